package org.spfgate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad configs as data: each case is a YAML file and the exact errors the operator must see,
 * every one naming its key, line and column.
 */
class BadConfigTest {

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                bad("unknown top-level key lists the sections",
                        """
                        domains: [example.org]
                        relays: { host: mx }
                        """,
                        "line 2, column 1: relays: unknown key (did you mean \"relay\"?)"),
                bad("unknown key far from any known key lists the allowed keys",
                        """
                        server:
                          colour: blue
                        """,
                        "line 2, column 3: server.colour: unknown key (expected one of: hostname, listen, max_connections,"
                                + " max_connections_per_ip, max_message_size, max_recipients, timeouts, tls, proxy_protocol,"
                                + " bare_line_endings, temp_directory, max_transactions_per_ip, listen_backlog)"),
                bad("camelCase key is suggested in snake_case",
                        """
                        server:
                          maxConnections: 10
                        """,
                        "line 2, column 3: server.maxConnections: unknown key (did you mean \"max_connections\"?)"),
                bad("bad size names the key and the units",
                        """
                        server:
                          max_message_size: 50XB
                        """,
                        "line 2, column 21: server.max_message_size: unknown size unit \"XB\" in \"50XB\" (use bytes, or a number"
                                + " and a unit: 25MB (10^6 bytes), 25MiB (2^20 bytes), KB, KiB, GB, GiB)"),
                bad("size beyond what SMTP limits can hold",
                        """
                        server:
                          max_message_size: 5GB
                        """,
                        "line 2, column 21: server.max_message_size: must be between 1 byte and 2147483647 bytes (2GiB - 1), got 5GB"),
                bad("size that is not a size at all",
                        """
                        server:
                          max_message_size: big
                        """,
                        "line 2, column 21: server.max_message_size: not a size: \"big\" (use bytes, or a number and a unit:"
                                + " 25MB (10^6 bytes), 25MiB (2^20 bytes), KB, KiB, GB, GiB)"),
                bad("duration without unit and duration in words",
                        """
                        server:
                          timeouts: { command: 5, data: 10 minutes }
                        """,
                        "line 2, column 24: server.timeouts.command: a duration needs a unit: 5 what? (use a number and a unit:"
                                + " 500ms, 30s, 5m, 2h)",
                        "line 2, column 33: server.timeouts.data: not a duration: \"10 minutes\" (use a number and a unit:"
                                + " 500ms, 30s, 5m, 2h)"),
                bad("zero duration",
                        """
                        dns: { query_timeout: 0s }
                        """,
                        "line 1, column 23: dns.query_timeout: must be longer than zero, got \"0s\""),
                bad("negative and fractional limits, and a null where a number belongs",
                        """
                        server:
                          max_connections: -5
                          max_recipients: 1.5
                          max_connections_per_ip:
                        relay:
                          host: mx.corp.example
                          connections: 0
                        """,
                        "line 2, column 20: server.max_connections: must be at least 1, got -5",
                        "line 3, column 19: server.max_recipients: expected a whole number, got the number 1.5",
                        "line 4, column 26: server.max_connections_per_ip: expected a whole number, got nothing (null)",
                        "line 7, column 16: relay.connections: must be at least 1, got 0"),
                bad("a quoted number is a string, not a number",
                        """
                        server:
                          max_recipients: "100"
                        """,
                        "line 2, column 19: server.max_recipients: expected a whole number, got the string \"100\""),
                bad("listen entries: IPv6 without brackets, port out of range, missing port",
                        """
                        server:
                          listen: ["[::]:25", "::1:25", "127.0.0.1:70000", mx, "[::1:25"]
                        """,
                        "line 2, column 23: server.listen[1]: write an IPv6 address in brackets, e.g. \"[::1]:25\": \"::1:25\"",
                        "line 2, column 33: server.listen[2]: port 70000 out of range (1-65535) in \"127.0.0.1:70000\"",
                        "line 2, column 52: server.listen[3]: missing port: \"mx\" (write host:port, e.g. 127.0.0.1:2525)",
                        "line 2, column 56: server.listen[4]: write an IPv6 address in brackets, e.g. \"[::1]:25\": \"[::1:25\""),
                bad("empty listen list",
                        """
                        server: { listen: [] }
                        """,
                        "line 1, column 19: server.listen: must list at least one entry"),
                bad("port out of range and port zero",
                        """
                        relay:
                          host: 10.1.2.3
                          port: 0
                        metrics:
                          listen: "127.0.0.1:65536"
                        """,
                        "line 3, column 9: relay.port: port 0 out of range (1-65535)",
                        "line 5, column 11: metrics.listen: port 65536 out of range (1-65535) in \"127.0.0.1:65536\""),
                bad("relay host with a port in it",
                        """
                        relay: { host: "mx.corp.example:2525" }
                        """,
                        "line 1, column 16: relay.host: not a host name or IP address: \"mx.corp.example:2525\" (the port goes in"
                                + " relay.port)"),
                bad("relay without host",
                        """
                        relay:
                          port: 2525
                        """,
                        "line 2, column 3: relay.host: missing: the internal server's host name or IP address"),
                bad("unknown enum values name the choices",
                        """
                        server: { bare_line_endings: strip }
                        relay: { host: mx.corp.example, tls: maybe }
                        spf: { mode: enforcing }
                        log: { format: xml }
                        """,
                        "line 1, column 30: server.bare_line_endings: expected one of normalize, reject, got the string \"strip\"",
                        "line 2, column 38: relay.tls: expected one of none, opportunistic, required, got the string \"maybe\"",
                        "line 3, column 14: spf.mode: expected one of enforce, report-only, got the string \"enforcing\"",
                        "line 4, column 16: log.format: expected one of text, json, got the string \"xml\""),
                bad("a YAML boolean where a choice belongs",
                        """
                        relay: { host: mx.corp.example, tls: off }
                        """,
                        "line 1, column 38: relay.tls: expected one of none, opportunistic, required, got the boolean false"),
                bad("spf actions: unknown result, unknown action, pass is not configurable",
                        """
                        spf:
                          actions: { fail: refuse, pass: reject, soft_fail: accept }
                        """,
                        "line 2, column 20: spf.actions.fail: expected one of accept, reject, defer, got the string \"refuse\"",
                        "line 2, column 28: spf.actions.pass: unknown key (expected one of: fail, softfail, neutral, none,"
                                + " temperror, permerror)",
                        "line 2, column 42: spf.actions.soft_fail: unknown key (did you mean \"softfail\"?)"),
                bad("a string where a boolean belongs",
                        """
                        spf:
                          check_helo: "yes"
                          headers: { received_spf: 1 }
                        """,
                        "line 2, column 15: spf.check_helo: expected true or false, got the string \"yes\"",
                        "line 3, column 28: spf.headers.received_spf: expected true or false, got the number 1"),
                bad("exempt recipient written as an address",
                        """
                        spf: { exempt_recipients: [postmaster@example.org] }
                        """,
                        "line 1, column 28: spf.exempt_recipients[0]: not a local part: \"postmaster@example.org\""
                                + " (write e.g. postmaster, without @domain)"),
                bad("dkim_rescue names results; pass is never refused",
                        """
                        spf:
                          dkim_rescue: [fail, pass, failed]
                        """,
                        "line 2, column 23: spf.dkim_rescue[1]: pass is never refused, so there is nothing to rescue (list e.g. fail)",
                        "line 2, column 29: spf.dkim_rescue[2]: expected one of pass, fail, softfail, neutral, none, temperror,"
                                + " permerror, got the string \"failed\""),
                bad("dkim_rescue is a list",
                        """
                        spf: { dkim_rescue: fail }
                        """,
                        "line 1, column 21: spf.dkim_rescue: expected a list, got the string \"fail\""),
                bad("empty domains list",
                        """
                        domains: []
                        """,
                        "line 1, column 10: domains: must list at least one domain to accept mail for"),
                bad("invalid domain names",
                        """
                        domains: ["exa mple.org", 192.0.2.1, "-bad.example", "münchen.example", ok.example]
                        """,
                        "line 1, column 11: domains[0]: not a valid domain name: \"exa mple.org\"",
                        "line 1, column 27: domains[1]: not a valid domain name: \"192.0.2.1\"",
                        "line 1, column 38: domains[2]: not a valid domain name: \"-bad.example\"",
                        "line 1, column 54: domains[3]: not a valid domain name: \"münchen.example\""
                                + " (write internationalised names in punycode, xn--...)"),
                bad("domains as a single string",
                        """
                        domains: example.org
                        """,
                        "line 1, column 10: domains: expected a list, got the string \"example.org\""),
                bad("bad CIDRs",
                        """
                        server:
                          proxy_protocol: [10.0.0.0/33, 10.0.0.0/8/8, "2001:db8::/129", 10.0.0.*, 203.0.113.1]
                        trusted:
                          - name: backup-mx
                            networks: [198.51.100.7/28]
                        """,
                        "line 2, column 20: server.proxy_protocol[0]: not an IP network: \"10.0.0.0/33\" (prefix length must be 0-32)",
                        "line 2, column 33: server.proxy_protocol[1]: not an IP network: \"10.0.0.0/8/8\" (prefix length must be 0-32)",
                        "line 2, column 47: server.proxy_protocol[2]: not an IP network: \"2001:db8::/129\" (prefix length must be 0-128)",
                        "line 2, column 65: server.proxy_protocol[3]: not an IP network: \"10.0.0.*\" (write e.g. 198.51.100.0/28"
                                + " or 2001:db8::/48)",
                        "line 5, column 16: trusted[0].networks[0]: \"198.51.100.7/28\" has host bits set after the /28 prefix"
                                + " (did you mean 198.51.100.0/28?)"),
                bad("trusted entries: no name, nothing to match, duplicate name, unsafe name, bad pattern",
                        """
                        trusted:
                          - networks: [198.51.100.0/28]
                          - name: lonely
                          - name: backup-mx
                            networks: [198.51.100.0/28]
                          - name: backup-mx
                            hostnames: ["*.forward.example.edu", "mx.*.org"]
                          - name: "a b; c"
                            networks: ["2001:db8:1::/48"]
                        """,
                        "line 2, column 5: trusted[0].name: missing: a short name for logs, metrics and headers",
                        "line 3, column 5: trusted[1]: needs at least one matcher: networks, hostnames, mx_of or spf_domains",
                        "line 6, column 5: trusted[3].name: name \"backup-mx\" is already used by the entry at line 4",
                        "line 7, column 42: trusted[3].hostnames[1]: not a host name pattern: \"mx.*.org\" (write *.example.edu"
                                + " for any name below example.edu, or an exact name)",
                        "line 8, column 11: trusted[4].name: not a usable name: \"a b; c\" (letters, digits, '.', '_', '-';"
                                + " it appears in headers and metric labels)"),
                bad("a trusted entry whose lists are empty trusts nobody: refused",
                        """
                        trusted:
                          - name: empty
                            networks: []
                            hostnames: []
                        """,
                        "line 2, column 5: trusted[0]: needs at least one matcher: networks, hostnames, mx_of or spf_domains"),
                bad("trusted matchers and treatment: bad mx_of and spf_domains domains, unknown treatment, no matcher",
                        """
                        trusted:
                          - name: backup-mx
                            mx_of: [example.org, "exa mple.net", 192.0.2.1, "*.example.com"]
                            spf: throughput
                          - name: google-forwarding
                            spf_domains: [_spf.google.com, "_spf..example.com", "spf.example.com/24"]
                          - name: nothing-to-match
                            spf: through
                          - name: empty
                            mx_of: []
                            spf_domains: []
                          - name: wrong-types
                            mx_of: example.org
                            spf: [skip]
                        """,
                        "line 3, column 26: trusted[0].mx_of[1]: not a valid domain name: \"exa mple.net\"",
                        "line 3, column 42: trusted[0].mx_of[2]: not a valid domain name: \"192.0.2.1\"",
                        "line 3, column 53: trusted[0].mx_of[3]: not a valid domain name: \"*.example.com\"",
                        "line 4, column 10: trusted[0].spf: expected one of skip, through, got the string \"throughput\"",
                        "line 6, column 36: trusted[1].spf_domains[1]: not a valid domain name: \"_spf..example.com\"",
                        "line 6, column 57: trusted[1].spf_domains[2]: not a valid domain name: \"spf.example.com/24\"",
                        "line 7, column 5: trusted[2]: needs at least one matcher: networks, hostnames, mx_of or spf_domains",
                        "line 9, column 5: trusted[3]: needs at least one matcher: networks, hostnames, mx_of or spf_domains",
                        "line 13, column 12: trusted[4].mx_of: expected a list, got the string \"example.org\"",
                        "line 14, column 10: trusted[4].spf: expected one of skip, through, got a list"),
                bad("DNS servers must be addresses",
                        """
                        dns:
                          servers: [ns.example.org, "10.0.0.53:99999"]
                        """,
                        "line 2, column 13: dns.servers[0]: a DNS server must be an IP address (optionally with :port),"
                                + " got \"ns.example.org\"",
                        "line 2, column 29: dns.servers[1]: port 99999 out of range (1-65535) in \"10.0.0.53:99999\""),
                bad("TLS with a certificate but no key",
                        """
                        server:
                          tls: { certificate: /etc/spfgate/tls.crt }
                        """,
                        "line 2, column 8: server.tls.key: missing: the PEM private key for STARTTLS"),
                bad("a section that is not a mapping",
                        """
                        server: [1]
                        spf: report-only
                        """,
                        "line 1, column 9: server: expected a mapping (keys: hostname, listen, max_connections,"
                                + " max_connections_per_ip, max_message_size, max_recipients, timeouts, tls, proxy_protocol,"
                                + " bare_line_endings, temp_directory, max_transactions_per_ip, listen_backlog), got a list",
                        "line 2, column 6: spf: expected a mapping (keys: mode, check_helo, actions, exempt_recipients, headers, dkim_rescue),"
                                + " got the string \"report-only\""),
                bad("duplicate key",
                        """
                        server:
                          hostname: mx.example.org
                          hostname: mx2.example.org
                        """,
                        "line 3, column 3: server.hostname: duplicate key (first at line 2)"),
                bad("the file is a list, not a mapping",
                        """
                        - server
                        """,
                        "line 1, column 1: the file must be a mapping of sections (server:, domains:, relay:, ...), not a list"),
                bad("YAML syntax error",
                        """
                        server:
                          hostname: a: b
                        """,
                        "line 2, column 14: YAML syntax: mapping values are not allowed here"),
                bad("a tab used for indentation is named at its own line",
                        "server:\n\tmax_recipients: 5\n",
                        "line 2, column 1: YAML syntax: found character '\\t(TAB)' that cannot start any token. (Do not use"
                                + " \\t(TAB) for indentation) (while scanning for the next token)"),
                bad("an unclosed list names where it began",
                        """
                        domains: [example.org
                        server: { max_recipients: 5 }
                        """,
                        "line 2, column 7: YAML syntax: expected ',' or ']', but got : (while parsing a flow sequence, which"
                                + " starts at line 1, column 10)"),
                bad("YAML aliases are refused rather than misread",
                        """
                        relay: &r { host: mx.corp.example }
                        metrics: *r
                        """,
                        "line 2, column 10: YAML aliases (*r) are not supported: write the value out"),
                bad("two YAML documents",
                        """
                        domains: [example.org]
                        ---
                        domains: [example.net]
                        """,
                        "line 3, column 1: more than one YAML document (---): spfgate reads exactly one"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfigIsRefusedWithEveryErrorNamingKeyAndLine(String what, String yaml, List<String> expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "bad.yaml"));
        assertEquals(expected, e.errors().stream().map(ConfigError::toString).toList());
    }

    private static Arguments bad(String what, String yaml, String... errors) {
        return Arguments.of(what, yaml, List.of(errors));
    }
}
