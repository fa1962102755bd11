package org.spfgate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.spf.SpfResult;

class ConfigLoaderTest {

    /** The example configuration of docs/contract.md §2, every section filled in. */
    private static final String CONTRACT_EXAMPLE = """
            server:
              hostname: mx.example.org
              listen: ["[::]:25"]
              max_connections: 2000
              max_connections_per_ip: 20
              max_message_size: 50MB
              max_recipients: 100
              timeouts: { command: 5m, data: 10m }
              tls: { certificate: /etc/spfgate/tls.crt, key: /etc/spfgate/tls.key }
              proxy_protocol: []
              bare_line_endings: normalize
            domains: [example.org, example.net]
            relay:
              host: exchange.corp.example.org
              port: 25
              tls: opportunistic
              verify_recipients: true
              connections: 50
              timeouts: { connect: 10s, command: 2m, data: 10m }
            deliver_to_directory: var/delivered
            dns:
              servers: []
              query_timeout: 3s
              check_timeout: 20s
            spf:
              mode: enforce
              check_helo: true
              actions: { fail: reject, softfail: accept, neutral: accept, none: accept, temperror: defer, permerror: accept }
              exempt_recipients: [postmaster, abuse]
              headers: { received_spf: true, authentication_results: true }
              dkim_rescue: []
            trusted:
              - name: backup-mx
                networks: [198.51.100.0/28, "2001:db8:1::/48"]
              - name: university-forwarder
                hostnames: ["*.forward.example.edu"]
            metrics:
              listen: 127.0.0.1:9025
            """;

    @Test
    void anEmptyFileOrOneWithOnlyCommentsTakesEveryBuiltInDefault() throws Exception {
        assertEquals(ConfigDefaults.builtIn(), ConfigLoader.parse("", "empty.yaml"));
        assertEquals(ConfigDefaults.builtIn(), ConfigLoader.parse("# nothing yet\n", "comments.yaml"));
    }

    @Test
    void theBuiltInDefaultsAreTheNewcomerSetupOfTheContract() {
        GatewayConfig c = ConfigDefaults.builtIn();
        assertEquals(List.of(new HostPort("127.0.0.1", 2525)), c.server().listen());
        assertEquals(List.of("example.test"), c.domains());
        assertNull(c.relay());
        assertEquals(Path.of("var/delivered"), c.deliverToDirectory());
        assertEquals(List.of(), c.dns().servers());
        assertEquals(new HostPort("127.0.0.1", 9025), c.metrics().listen());
        assertEquals(List.of(), c.trusted());
        assertNull(c.server().tls());
        assertEquals(new LogConfig(null, LogConfig.Format.TEXT), c.log());
        assertTrue(c.server().hostname().length() > 0, "the machine's host name");
    }

    @Test
    void theContractExampleLoadsWithEveryValueAsWritten() throws Exception {
        GatewayConfig c = ConfigLoader.parse(CONTRACT_EXAMPLE, "contract.yaml");

        ServerConfig s = c.server();
        assertEquals("mx.example.org", s.hostname());
        assertEquals(List.of(new HostPort("::", 25)), s.listen());
        assertEquals(2000, s.maxConnections());
        assertEquals(20, s.maxConnectionsPerIp());
        assertEquals(50_000_000L, s.maxMessageSize());
        assertEquals(100, s.maxRecipients());
        assertEquals(new ServerConfig.Timeouts(Duration.ofMinutes(5), Duration.ofMinutes(10)), s.timeouts());
        assertEquals(new ServerConfig.TlsConfig(Path.of("/etc/spfgate/tls.crt"), Path.of("/etc/spfgate/tls.key")), s.tls());
        assertEquals(List.of(), s.proxyProtocol());
        assertEquals(ServerConfig.BareLineEndings.NORMALIZE, s.bareLineEndings());

        assertEquals(List.of("example.org", "example.net"), c.domains());
        assertEquals(new RelayConfig("exchange.corp.example.org", 25, RelayConfig.Tls.OPPORTUNISTIC, true, 50,
                new RelayConfig.Timeouts(Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofMinutes(10))), c.relay());
        assertEquals(Path.of("var/delivered"), c.deliverToDirectory());
        assertEquals(new DnsConfig(List.of(), Duration.ofSeconds(3), Duration.ofSeconds(20)), c.dns());

        assertEquals(SpfConfig.Mode.ENFORCE, c.spf().mode());
        assertTrue(c.spf().checkHelo());
        assertEquals(ConfigDefaults.SPF_ACTIONS, c.spf().actions());
        assertEquals(List.of("postmaster", "abuse"), c.spf().exemptRecipients());
        assertEquals(new SpfConfig.Headers(true, true), c.spf().headers());
        assertEquals(Set.of(), c.spf().dkimRescue());

        assertEquals(List.of(
                new TrustedEntry("backup-mx", List.of(Cidr.parse("198.51.100.0/28"), Cidr.parse("2001:db8:1::/48")), List.of()),
                new TrustedEntry("university-forwarder", List.of(), List.of("*.forward.example.edu"))), c.trusted());
        assertEquals(new MetricsConfig(new HostPort("127.0.0.1", 9025)), c.metrics());
        assertEquals(ConfigDefaults.log(), c.log());
    }

    @Test
    void theSpfActionTableHasAllSevenResultsWithTheDocumentedDefaults() {
        assertEquals(Map.of(
                SpfResult.PASS, SpfConfig.Action.ACCEPT,
                SpfResult.FAIL, SpfConfig.Action.REJECT,
                SpfResult.SOFTFAIL, SpfConfig.Action.ACCEPT,
                SpfResult.NEUTRAL, SpfConfig.Action.ACCEPT,
                SpfResult.NONE, SpfConfig.Action.ACCEPT,
                SpfResult.TEMPERROR, SpfConfig.Action.DEFER,
                SpfResult.PERMERROR, SpfConfig.Action.ACCEPT), ConfigDefaults.SPF_ACTIONS);
    }

    @Test
    void dkimRescueListsResultsAndIsOffByDefault() throws Exception {
        assertEquals(Set.of(), ConfigDefaults.builtIn().spf().dkimRescue());
        GatewayConfig c = ConfigLoader.parse("spf: { dkim_rescue: [fail, SoftFail, fail] }\n", "test.yaml");
        assertEquals(Set.of(SpfResult.FAIL, SpfResult.SOFTFAIL), c.spf().dkimRescue());
        assertEquals(Set.of(), ConfigLoader.parse("spf: { dkim_rescue: }\n", "test.yaml").spf().dkimRescue());
    }

    @Test
    void resultsLeftOutOfSpfActionsKeepTheirDefaults() throws Exception {
        GatewayConfig c = ConfigLoader.parse("spf: { actions: { softfail: reject, permerror: defer } }\n", "t.yaml");
        Map<SpfResult, SpfConfig.Action> a = c.spf().actions();
        assertEquals(SpfConfig.Action.REJECT, a.get(SpfResult.SOFTFAIL));
        assertEquals(SpfConfig.Action.DEFER, a.get(SpfResult.PERMERROR));
        assertEquals(SpfConfig.Action.REJECT, a.get(SpfResult.FAIL));
        assertEquals(SpfConfig.Action.DEFER, a.get(SpfResult.TEMPERROR));
        assertEquals(SpfConfig.Action.ACCEPT, a.get(SpfResult.PASS));
        assertEquals(7, a.size());
    }

    @Test
    void keysLeftOutOfAPresentSectionTakeTheirDefaults() throws Exception {
        GatewayConfig c = ConfigLoader.parse("""
                server: { max_recipients: 5, timeouts: { data: 30s } }
                relay: { host: 10.0.0.25 }
                """, "t.yaml");
        assertEquals(5, c.server().maxRecipients());
        assertEquals(ConfigDefaults.MAX_CONNECTIONS, c.server().maxConnections());
        assertEquals(new ServerConfig.Timeouts(ConfigDefaults.COMMAND_TIMEOUT, Duration.ofSeconds(30)), c.server().timeouts());
        assertEquals(new RelayConfig("10.0.0.25", 25, RelayConfig.Tls.OPPORTUNISTIC, true, 50,
                new RelayConfig.Timeouts(Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofMinutes(10))), c.relay());
        assertEquals(ConfigDefaults.dns(), c.dns());
    }

    @Test
    void theRelayHostMayBeANameOrAnIpv4OrIpv6Address() throws Exception {
        assertEquals("exchange.corp.example.org", ConfigLoader.parse("relay: { host: Exchange.Corp.Example.ORG }\n", "t.yaml").relay().host());
        assertEquals("10.0.0.25", ConfigLoader.parse("relay: { host: 10.0.0.25 }\n", "t.yaml").relay().host());
        assertEquals("2001:db8::25", ConfigLoader.parse("relay: { host: \"2001:db8::25\" }\n", "t.yaml").relay().host());
        assertEquals("2001:db8::25", ConfigLoader.parse("relay: { host: \"[2001:db8::25]\" }\n", "t.yaml").relay().host());
    }

    @Test
    void aSectionWithEveryKeyCommentedOutTakesItsDefaults() throws Exception {
        GatewayConfig c = ConfigLoader.parse("""
                server:
                  # max_recipients: 5
                spf:
                  headers:
                dns:
                """, "t.yaml");
        assertEquals(ConfigDefaults.builtIn(), c);
    }

    @Test
    void anEmptyRelaySectionMeansNoInternalServer() throws Exception {
        assertNull(ConfigLoader.parse("relay:\n", "t.yaml").relay());
        assertNull(ConfigLoader.parse("relay: ~\n", "t.yaml").relay());
    }

    @Test
    void nullTurnsOffTlsMetricsAndTheLogFile() throws Exception {
        GatewayConfig c = ConfigLoader.parse("""
                server: { tls: null }
                metrics: { listen: null }
                log: { file: ~, format: json }
                """, "t.yaml");
        assertNull(c.server().tls());
        assertNull(c.metrics().listen());
        assertEquals(new LogConfig(null, LogConfig.Format.JSON), c.log());
        assertEquals(Path.of("/var/log/spfgate.log"),
                ConfigLoader.parse("log: { file: /var/log/spfgate.log }\n", "t.yaml").log().file());
    }

    @Test
    void sizesAcceptDecimalAndBinaryUnitsAndPlainBytes() throws Exception {
        assertEquals(25_000_000L, size("25MB"));
        assertEquals(25L << 20, size("25MiB"));
        assertEquals(512_000L, size("512KB"));
        assertEquals(512L << 10, size("512KiB"));
        assertEquals(1_000_000_000L, size("1GB"));
        assertEquals(1L << 30, size("1GiB"));
        assertEquals(1234L, size("1234"));
        assertEquals(10_000_000L, size("10mb"));
    }

    private static long size(String text) throws ConfigException {
        return ConfigLoader.parse("server: { max_message_size: " + text + " }\n", "t.yaml").server().maxMessageSize();
    }

    @Test
    void listenEntriesTakeIpv6InBracketsIpv4AndNames() throws Exception {
        GatewayConfig c = ConfigLoader.parse("server: { listen: [\"[::]:25\", 127.0.0.1:2525, mx:25, \"[::1]:587\"] }\n", "t.yaml");
        assertEquals(List.of(new HostPort("::", 25), new HostPort("127.0.0.1", 2525), new HostPort("mx", 25),
                new HostPort("::1", 587)), c.server().listen());
        assertEquals("[::]:25", c.server().listen().get(0).toString());
    }

    @Test
    void dnsServersDefaultToPort53() throws Exception {
        GatewayConfig c = ConfigLoader.parse("dns: { servers: [10.0.0.53, \"127.0.0.1:5353\", \"[::1]:53\", \"::1\", \"[2001:db8::53]\"] }\n",
                "t.yaml");
        assertEquals(List.of(new HostPort("10.0.0.53", 53), new HostPort("127.0.0.1", 5353), new HostPort("::1", 53),
                new HostPort("::1", 53), new HostPort("2001:db8::53", 53)), c.dns().servers());
    }

    @Test
    void domainsAreKeptInLowerCaseWithoutTrailingDotOnceEach() throws Exception {
        GatewayConfig c = ConfigLoader.parse("domains: [Example.ORG., example.org, xn--mnchen-3ya.example]\n", "t.yaml");
        assertEquals(List.of("example.org", "xn--mnchen-3ya.example"), c.domains());
    }

    @Test
    void trustedEntriesKeepNetworksAndNormalisedHostnamePatterns() throws Exception {
        GatewayConfig c = ConfigLoader.parse("""
                trusted:
                  - name: both
                    networks: [192.0.2.0/24, 203.0.113.9]
                    hostnames: ["*.Forward.Example.EDU.", MX2.example.org]
                """, "t.yaml");
        TrustedEntry e = c.trusted().get(0);
        assertEquals(List.of("*.forward.example.edu", "mx2.example.org"), e.hostnames());
        assertTrue(e.networks().get(0).contains(InetAddress.getByName("192.0.2.77")));
        assertTrue(e.networks().get(1).contains(InetAddress.getByName("203.0.113.9")));
    }

    @Test
    void enumsAreReadCaseInsensitively() throws Exception {
        GatewayConfig c = ConfigLoader.parse("spf: { mode: Report-Only }\nserver: { bare_line_endings: REJECT }\n", "t.yaml");
        assertEquals(SpfConfig.Mode.REPORT_ONLY, c.spf().mode());
        assertEquals(ServerConfig.BareLineEndings.REJECT, c.server().bareLineEndings());
    }

    @Test
    void aMissingFileIsAConfigErrorNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertEquals(List.of(new ConfigError("", 0, 0, "no such file")), e.errors());
        assertEquals(missing + ": 1 error" + System.lineSeparator() + missing + ": no such file", e.getMessage());
    }

    @Test
    void aFileThatIsNotUtf8IsAConfigError(@TempDir Path dir) throws Exception {
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, new byte[] {'d', 'o', 'm', 'a', 'i', 'n', 's', ':', ' ', (byte) 0xE9, '\n'});
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(latin1));
        assertEquals("not UTF-8 text", e.errors().get(0).message());
    }

    @Test
    void loadingAFileNamesItInEveryError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("two.yaml");
        Files.writeString(file, "server:\n  max_recipients: 0\nspf: { mode: strict }\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        String n = System.lineSeparator();
        assertEquals(file + ": 2 errors" + n
                + file + ": line 2, column 19: server.max_recipients: must be at least 1, got 0" + n
                + file + ": line 3, column 14: spf.mode: expected one of enforce, report-only, got the string \"strict\"",
                e.getMessage());
    }
}
