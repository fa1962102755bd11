package org.spfgate.config;

import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.spfgate.spf.SpfResult;

/**
 * Binds a {@link YamlNode} tree onto the {@code config} records, checking every key and value
 * against docs/contract.md §2 and collecting every error with its key path and position, instead of
 * stopping at the first. Keys a file leaves out take {@link ConfigDefaults}.
 *
 * <p>The schema is this class: each section's method lists its keys once, and an unknown key is
 * an error (with a suggestion when it is a near miss of a known one).
 */
final class ConfigBinder {

    /** Trusted names appear in headers, logs and metric labels: keep them to a safe token. */
    private static final Pattern TRUSTED_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final List<ConfigError> errors = new ArrayList<>();

    /** @return the configuration; meaningful only when {@link #errors()} is empty */
    GatewayConfig bind(Optional<YamlNode> document) {
        if (document.isEmpty()) {
            return ConfigDefaults.builtIn();
        }
        YamlNode root = document.get();
        if (root instanceof YamlNode.Scalar s && s.isNull()) {
            return ConfigDefaults.builtIn();
        }
        if (!(root instanceof YamlNode.Mapping mapping)) {
            error("", root, "the file must be a mapping of sections (server:, domains:, relay:, ...), not "
                    + root.describe());
            return ConfigDefaults.builtIn();
        }
        Section top = new Section(mapping, "", "server", "domains", "relay", "deliver_to_directory", "dns", "spf",
                "trusted", "metrics", "log");
        return new GatewayConfig(
                top.value("server", this::server, ConfigDefaults.server()),
                top.value("domains", this::domains, ConfigDefaults.DOMAINS),
                top.value("relay", this::relay, ConfigDefaults.RELAY),
                top.value("deliver_to_directory", this::path, ConfigDefaults.DELIVER_TO_DIRECTORY),
                top.value("dns", this::dns, ConfigDefaults.dns()),
                top.value("spf", this::spf, ConfigDefaults.spf()),
                top.value("trusted", this::trusted, ConfigDefaults.TRUSTED),
                top.value("metrics", this::metrics, ConfigDefaults.metrics()),
                top.value("log", this::log, ConfigDefaults.log()));
    }

    /** In reading order: by line, then column. */
    List<ConfigError> errors() {
        return errors.stream()
                .sorted(java.util.Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column))
                .toList();
    }

    // ---- sections ---------------------------------------------------------------------------

    private ServerConfig server(YamlNode node, String path) {
        Section s = section(node, path, "hostname", "listen", "max_connections", "max_connections_per_ip",
                "max_message_size", "max_recipients", "timeouts", "tls", "proxy_protocol", "bare_line_endings",
                "temp_directory", "max_transactions_per_ip", "listen_backlog");
        int maxConnections = s.value("max_connections", this::positiveInt, ConfigDefaults.MAX_CONNECTIONS);
        return new ServerConfig(
                s.value("hostname", scalar(DomainNameSyntax::normalize), ConfigDefaults.hostname()),
                s.value("listen", nonEmptyList(scalar(HostPort::parse)), ConfigDefaults.LISTEN),
                maxConnections,
                s.value("max_connections_per_ip", this::positiveInt, ConfigDefaults.MAX_CONNECTIONS_PER_IP),
                s.value("max_message_size", this::messageSize, ConfigDefaults.MAX_MESSAGE_SIZE),
                s.value("max_recipients", this::positiveInt, ConfigDefaults.MAX_RECIPIENTS),
                s.value("timeouts", this::serverTimeouts,
                        new ServerConfig.Timeouts(ConfigDefaults.COMMAND_TIMEOUT, ConfigDefaults.DATA_TIMEOUT)),
                s.value("tls", nullable(this::serverTls), ConfigDefaults.SERVER_TLS),
                s.value("proxy_protocol", list(scalar(Cidr::parse)), ConfigDefaults.PROXY_PROTOCOL),
                s.value("bare_line_endings", choice(ServerConfig.BareLineEndings.class),
                        ConfigDefaults.BARE_LINE_ENDINGS),
                s.value("temp_directory", nullable(this::path), ConfigDefaults.TEMP_DIRECTORY),
                s.value("max_transactions_per_ip", this::positiveInt, ConfigDefaults.MAX_TRANSACTIONS_PER_IP),
                s.value("listen_backlog", this::positiveInt, ConfigDefaults.listenBacklog(maxConnections)));
    }

    private ServerConfig.Timeouts serverTimeouts(YamlNode node, String path) {
        Section s = section(node, path, "command", "data", "write", "session");
        return new ServerConfig.Timeouts(
                s.value("command", this::duration, ConfigDefaults.COMMAND_TIMEOUT),
                s.value("data", this::duration, ConfigDefaults.DATA_TIMEOUT),
                s.value("write", this::duration, ConfigDefaults.WRITE_TIMEOUT),
                s.value("session", this::duration, ConfigDefaults.SESSION_TIMEOUT));
    }

    private ServerConfig.TlsConfig serverTls(YamlNode node, String path) {
        Section s = section(node, path, "certificate", "key");
        return new ServerConfig.TlsConfig(
                s.required("certificate", this::path, "the PEM certificate chain for STARTTLS"),
                s.required("key", this::path, "the PEM private key for STARTTLS"));
    }

    private List<String> domains(YamlNode node, String path) {
        List<String> domains = list(scalar(DomainNameSyntax::normalizeMailDomain)).read(node, path);
        if (domains.isEmpty() && node instanceof YamlNode.Sequence seq && seq.items().isEmpty()) {
            throw new Invalid("must list at least one domain to accept mail for");
        }
        return List.copyOf(new LinkedHashSet<>(domains));
    }

    private RelayConfig relay(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.isNull()) {
            return null; // "relay:" with nothing under it: no internal server, as if absent
        }
        Section s = section(node, path, "host", "port", "tls", "verify_recipients", "connections", "timeouts");
        return new RelayConfig(
                s.required("host", scalar(ConfigBinder::relayHost), "the internal server's host name or IP address"),
                s.value("port", this::port, ConfigDefaults.RELAY_PORT),
                s.value("tls", choice(RelayConfig.Tls.class), ConfigDefaults.RELAY_TLS),
                s.value("verify_recipients", this::bool, ConfigDefaults.RELAY_VERIFY_RECIPIENTS),
                s.value("connections", this::positiveInt, ConfigDefaults.RELAY_CONNECTIONS),
                s.value("timeouts", this::relayTimeouts, new RelayConfig.Timeouts(ConfigDefaults.RELAY_CONNECT_TIMEOUT,
                        ConfigDefaults.RELAY_COMMAND_TIMEOUT, ConfigDefaults.RELAY_DATA_TIMEOUT)));
    }

    /** A host name, an IPv4 address, or an IPv6 address with or without brackets (kept without). */
    private static String relayHost(String text) {
        String t = text.trim();
        String unbracketed = t.startsWith("[") && t.endsWith("]") ? t.substring(1, t.length() - 1) : t;
        if (IpLiteral.isIPv6(unbracketed)) {
            return unbracketed.toLowerCase(Locale.ROOT);
        }
        try {
            return DomainNameSyntax.normalize(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a host name or IP address: \"" + text + "\" (the port goes in relay.port)");
        }
    }

    private RelayConfig.Timeouts relayTimeouts(YamlNode node, String path) {
        Section s = section(node, path, "connect", "command", "data");
        return new RelayConfig.Timeouts(
                s.value("connect", this::duration, ConfigDefaults.RELAY_CONNECT_TIMEOUT),
                s.value("command", this::duration, ConfigDefaults.RELAY_COMMAND_TIMEOUT),
                s.value("data", this::duration, ConfigDefaults.RELAY_DATA_TIMEOUT));
    }

    private DnsConfig dns(YamlNode node, String path) {
        Section s = section(node, path, "servers", "query_timeout", "check_timeout");
        return new DnsConfig(
                s.value("servers", list(scalar(this::dnsServer)), ConfigDefaults.DNS_SERVERS),
                s.value("query_timeout", this::duration, ConfigDefaults.DNS_QUERY_TIMEOUT),
                s.value("check_timeout", this::duration, ConfigDefaults.DNS_CHECK_TIMEOUT));
    }

    private HostPort dnsServer(String text) {
        HostPort server = HostPort.parse(text, ConfigDefaults.DNS_PORT);
        // A name would need a resolver to find the resolver.
        if (!IpLiteral.isIPv4(server.host()) && !IpLiteral.isIPv6(server.host())) {
            throw new IllegalArgumentException("a DNS server must be an IP address (optionally with :port), got \""
                    + text + "\"");
        }
        return server;
    }

    private SpfConfig spf(YamlNode node, String path) {
        Section s = section(node, path, "mode", "check_helo", "actions", "exempt_recipients", "headers", "dkim_rescue");
        return new SpfConfig(
                s.value("mode", choice(SpfConfig.Mode.class), ConfigDefaults.SPF_MODE),
                s.value("check_helo", this::bool, ConfigDefaults.SPF_CHECK_HELO),
                s.value("actions", this::actions, ConfigDefaults.SPF_ACTIONS),
                s.value("exempt_recipients", list(scalar(ConfigBinder::localPart)),
                        ConfigDefaults.SPF_EXEMPT_RECIPIENTS),
                s.value("headers", this::headers, ConfigDefaults.SPF_HEADERS),
                s.value("dkim_rescue", this::dkimRescue, ConfigDefaults.SPF_DKIM_RESCUE));
    }

    /** {@code [fail]}, say: results whose refusal an aligned DKIM signature can lift. */
    private Set<SpfResult> dkimRescue(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.isNull()) {
            return Set.of();
        }
        return Set.copyOf(list((item, itemPath) -> {
            SpfResult result = choice(SpfResult.class).read(item, itemPath);
            if (result == SpfResult.PASS) {
                throw new Invalid("pass is never refused, so there is nothing to rescue (list e.g. fail)");
            }
            return result;
        }).read(node, path));
    }

    private Map<SpfResult, SpfConfig.Action> actions(YamlNode node, String path) {
        // pass is always accepted: refusing mail that passes SPF is never what an operator means.
        Section s = section(node, path, "fail", "softfail", "neutral", "none", "temperror", "permerror");
        Map<SpfResult, SpfConfig.Action> actions = new EnumMap<>(ConfigDefaults.SPF_ACTIONS);
        for (SpfResult result : SpfResult.values()) {
            if (result != SpfResult.PASS) {
                actions.put(result, s.value(result.token(), choice(SpfConfig.Action.class),
                        ConfigDefaults.SPF_ACTIONS.get(result)));
            }
        }
        return Collections.unmodifiableMap(actions);
    }

    private static String localPart(String text) {
        String local = text.trim().toLowerCase(Locale.ROOT);
        if (local.isEmpty() || local.contains("@") || local.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new IllegalArgumentException("not a local part: \"" + text + "\" (write e.g. postmaster, without @domain)");
        }
        return local;
    }

    private SpfConfig.Headers headers(YamlNode node, String path) {
        Section s = section(node, path, "received_spf", "authentication_results");
        return new SpfConfig.Headers(
                s.value("received_spf", this::bool, ConfigDefaults.SPF_HEADERS.receivedSpf()),
                s.value("authentication_results", this::bool, ConfigDefaults.SPF_HEADERS.authenticationResults()));
    }

    private List<TrustedEntry> trusted(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.isNull()) {
            return List.of(); // "trusted:" with nothing under it: nobody
        }
        if (!(node instanceof YamlNode.Sequence seq)) {
            throw new Invalid("expected a list of entries (- name: ...), got " + node.describe());
        }
        List<TrustedEntry> entries = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (int i = 0; i < seq.items().size(); i++) {
            YamlNode item = seq.items().get(i);
            TrustedEntry entry = read(this::trustedEntry, item, path + "[" + i + "]");
            if (entry == null) {
                continue;
            }
            Integer first = entry.name().isEmpty() ? null : firstLine.putIfAbsent(entry.name(), item.position().line());
            if (first != null) {
                error(path + "[" + i + "].name", item, "name \"" + entry.name() + "\" is already used by the entry at line " + first);
            }
            entries.add(entry);
        }
        return List.copyOf(entries);
    }

    private TrustedEntry trustedEntry(YamlNode node, String path) {
        Section s = section(node, path, "name", "networks", "hostnames", "mx_of", "spf_domains", "spf");
        String name = s.required("name", scalar(ConfigBinder::trustedName), "a short name for logs, metrics and headers");
        List<Cidr> networks = s.value("networks", list(scalar(Cidr::parse)), List.of());
        List<String> hostnames = s.value("hostnames", list(scalar(ConfigBinder::hostnamePattern)), List.of());
        List<String> mxOf = s.value("mx_of", list(scalar(DomainNameSyntax::normalizeMailDomain)), List.of());
        List<String> spfDomains = s.value("spf_domains", list(scalar(DomainNameSyntax::normalizeDnsName)), List.of());
        TrustedEntry.Treatment spf = s.value("spf", choice(TrustedEntry.Treatment.class), TrustedEntry.Treatment.SKIP);
        if (items(s.get("networks")) + items(s.get("hostnames")) + items(s.get("mx_of")) + items(s.get("spf_domains")) == 0) {
            error(path, node, "needs at least one matcher: networks, hostnames, mx_of or spf_domains");
        }
        return new TrustedEntry(name == null ? "" : name, networks, hostnames, mxOf, spfDomains, spf);
    }

    /** How many items a list node holds, counting bad ones (they have their own errors); 0 if absent. */
    private static int items(YamlNode node) {
        return node instanceof YamlNode.Sequence seq ? seq.items().size() : node == null ? 0 : 1;
    }

    private static String trustedName(String text) {
        if (!TRUSTED_NAME.matcher(text).matches()) {
            throw new IllegalArgumentException("not a usable name: \"" + text
                    + "\" (letters, digits, '.', '_', '-'; it appears in headers and metric labels)");
        }
        return text;
    }

    /** {@code *.forward.example.edu} (any name below it) or an exact host name. */
    private static String hostnamePattern(String text) {
        String t = text.trim();
        if (t.startsWith("*.")) {
            return "*." + DomainNameSyntax.normalize(t.substring(2));
        }
        if (t.contains("*")) {
            throw new IllegalArgumentException("not a host name pattern: \"" + text
                    + "\" (write *.example.edu for any name below example.edu, or an exact name)");
        }
        return DomainNameSyntax.normalize(t);
    }

    private MetricsConfig metrics(YamlNode node, String path) {
        Section s = section(node, path, "listen");
        return new MetricsConfig(s.value("listen", nullable(scalar(HostPort::parse)), ConfigDefaults.METRICS_LISTEN));
    }

    private LogConfig log(YamlNode node, String path) {
        Section s = section(node, path, "file", "format");
        return new LogConfig(
                s.value("file", nullable(this::path), ConfigDefaults.LOG_FILE),
                s.value("format", choice(LogConfig.Format.class), ConfigDefaults.LOG_FORMAT));
    }

    // ---- values -----------------------------------------------------------------------------

    /** Reads one value; throws {@link Invalid} for a problem located at {@code node}. */
    @FunctionalInterface
    private interface Reader<T> {
        T read(YamlNode node, String path);
    }

    /** A problem with the node being read; the caller adds key path and position. */
    private static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private static String text(YamlNode node, String expected) {
        if (node instanceof YamlNode.Scalar s && s.kind() != YamlNode.Scalar.Kind.NULL
                && s.kind() != YamlNode.Scalar.Kind.BOOLEAN) {
            return s.text();
        }
        throw new Invalid("expected " + expected + ", got " + node.describe());
    }

    /** A string value parsed by {@code parse}, whose IllegalArgumentException message becomes the error. */
    private static <T> Reader<T> scalar(Function<String, T> parse) {
        return (node, path) -> {
            try {
                return parse.apply(text(node, "a string"));
            } catch (IllegalArgumentException e) {
                throw new Invalid(e.getMessage());
            }
        };
    }

    private Path path(YamlNode node, String path) {
        String text = text(node, "a file or directory path");
        if (text.isBlank()) {
            throw new Invalid("expected a file or directory path, got an empty string");
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new Invalid("not a usable path: \"" + text + "\" (" + e.getReason() + ")");
        }
    }

    private boolean bool(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.kind() == YamlNode.Scalar.Kind.BOOLEAN) {
            return Boolean.parseBoolean(s.text());
        }
        throw new Invalid("expected true or false, got " + node.describe());
    }

    private static BigInteger integer(YamlNode node) {
        if (node instanceof YamlNode.Scalar s && s.kind() == YamlNode.Scalar.Kind.INTEGER) {
            return s.integer();
        }
        throw new Invalid("expected a whole number, got " + node.describe());
    }

    private int positiveInt(YamlNode node, String path) {
        BigInteger n = integer(node);
        if (n.signum() <= 0) {
            throw new Invalid("must be at least 1, got " + n);
        }
        if (n.bitLength() > 31) {
            throw new Invalid("too large: " + n + " (at most " + Integer.MAX_VALUE + ")");
        }
        return n.intValue();
    }

    private int port(YamlNode node, String path) {
        BigInteger n = integer(node);
        if (n.signum() <= 0 || n.compareTo(BigInteger.valueOf(65535)) > 0) {
            throw new Invalid("port " + n + " out of range (1-65535)");
        }
        return n.intValue();
    }

    private Duration duration(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.kind() == YamlNode.Scalar.Kind.INTEGER) {
            throw new Invalid("a duration needs a unit: " + s.text() + " what? (use " + DurationSyntax.EXAMPLES + ")");
        }
        try {
            return DurationSyntax.parse(text(node, "a duration (" + DurationSyntax.EXAMPLES + ")"));
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage());
        }
    }

    /** SubEtha takes the limit as an int, so sizes stop at 2 GiB - 1. */
    private long messageSize(YamlNode node, String path) {
        long size;
        if (node instanceof YamlNode.Scalar s && s.kind() == YamlNode.Scalar.Kind.INTEGER) {
            if (s.integer().bitLength() > 63) {
                throw new Invalid("size too large: " + s.text());
            }
            size = s.integer().longValue();
        } else {
            try {
                size = SizeSyntax.parse(text(node, "a size (" + SizeSyntax.EXAMPLES + ")"));
            } catch (IllegalArgumentException e) {
                throw new Invalid(e.getMessage());
            }
        }
        if (size < 1 || size > Integer.MAX_VALUE) {
            throw new Invalid("must be between 1 byte and " + Integer.MAX_VALUE + " bytes (2GiB - 1), got "
                    + (node instanceof YamlNode.Scalar s ? s.text() : String.valueOf(size)));
        }
        return size;
    }

    /** An enum written as its lower-case name with '-' for '_', e.g. {@code report-only}. */
    private static <E extends Enum<E>> Reader<E> choice(Class<E> type) {
        return (node, path) -> {
            Map<String, E> tokens = new LinkedHashMap<>();
            for (E e : type.getEnumConstants()) {
                tokens.put(e.name().toLowerCase(Locale.ROOT).replace('_', '-'), e);
            }
            String expected = "one of " + String.join(", ", tokens.keySet());
            String text = node instanceof YamlNode.Scalar s && s.kind() != YamlNode.Scalar.Kind.NULL ? s.text() : null;
            E value = text == null ? null : tokens.get(text.trim().toLowerCase(Locale.ROOT));
            if (value == null) {
                throw new Invalid("expected " + expected + ", got " + node.describe());
            }
            return value;
        };
    }

    /** YAML null (or nothing) reads as {@code null}, which for this key means "off". */
    private static <T> Reader<T> nullable(Reader<T> reader) {
        return (node, path) -> node instanceof YamlNode.Scalar s && s.isNull() ? null : reader.read(node, path);
    }

    /** A list; a bad item is reported at the item and left out, the others still read. */
    private <T> Reader<List<T>> list(Reader<T> item) {
        return (node, path) -> {
            if (!(node instanceof YamlNode.Sequence seq)) {
                throw new Invalid("expected a list, got " + node.describe());
            }
            List<T> values = new ArrayList<>();
            for (int i = 0; i < seq.items().size(); i++) {
                YamlNode n = seq.items().get(i);
                T v = read(item, n, path + "[" + i + "]");
                if (v != null) {
                    values.add(v);
                }
            }
            return List.copyOf(values);
        };
    }

    private <T> Reader<List<T>> nonEmptyList(Reader<T> item) {
        Reader<List<T>> list = list(item);
        return (node, path) -> {
            List<T> values = list.read(node, path);
            if (((YamlNode.Sequence) node).items().isEmpty()) {
                throw new Invalid("must list at least one entry");
            }
            return values;
        };
    }

    /** Reads and records a problem as an error at the node; {@code null} when it failed. */
    private <T> T read(Reader<T> reader, YamlNode node, String path) {
        try {
            return reader.read(node, path);
        } catch (Invalid e) {
            error(path, node, e.getMessage());
            return null;
        }
    }

    private void error(String path, YamlNode at, String message) {
        errors.add(new ConfigError(path, at.position().line(), at.position().column(), message));
    }

    private Section section(YamlNode node, String path, String... keys) {
        if (node instanceof YamlNode.Scalar s && s.isNull()) {
            // "server:" with every key under it commented out: all defaults, not an error.
            return new Section(new YamlNode.Mapping(node.position(), List.of()), path, keys);
        }
        if (!(node instanceof YamlNode.Mapping mapping)) {
            throw new Invalid("expected a mapping (keys: " + String.join(", ", keys) + "), got " + node.describe());
        }
        return new Section(mapping, path, keys);
    }

    /** One mapping being read: reports unknown and duplicate keys as it is opened. */
    private final class Section {
        private final YamlNode.Mapping mapping;
        private final String path;
        private final Map<String, YamlNode.Entry> entries = new HashMap<>();

        Section(YamlNode.Mapping mapping, String path, String... keys) {
            this.mapping = mapping;
            this.path = path;
            List<String> known = List.of(keys);
            for (YamlNode.Entry e : mapping.entries()) {
                YamlNode.Position at = e.keyPosition();
                if (!known.contains(e.key())) {
                    errors.add(new ConfigError(child(e.key()), at.line(), at.column(),
                            "unknown key" + KeySuggestion.forUnknown(e.key(), known)));
                } else if (entries.containsKey(e.key())) {
                    errors.add(new ConfigError(child(e.key()), at.line(), at.column(), "duplicate key (first at line "
                            + entries.get(e.key()).keyPosition().line() + ")"));
                } else {
                    entries.put(e.key(), e);
                }
            }
        }

        YamlNode get(String key) {
            YamlNode.Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        /** The key's value, or {@code absent} when the file leaves it out or it is wrong (then an error is recorded). */
        <T> T value(String key, Reader<T> reader, T absent) {
            YamlNode node = get(key);
            if (node == null) {
                return absent;
            }
            try {
                return reader.read(node, child(key));
            } catch (Invalid e) {
                error(child(key), node, e.getMessage());
                return absent;
            }
        }

        <T> T required(String key, Reader<T> reader, String what) {
            YamlNode node = get(key);
            if (node == null) {
                errors.add(new ConfigError(child(key), mapping.position().line(), mapping.position().column(),
                        "missing: " + what));
                return null;
            }
            return read(reader, node, child(key));
        }

        private String child(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }
}
