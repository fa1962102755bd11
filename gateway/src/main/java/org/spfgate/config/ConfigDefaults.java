package org.spfgate.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.spfgate.spf.SpfResult;

/**
 * Every built-in default of the configuration, defined here and nowhere else (docs/contract.md §2).
 * A key that a file leaves out takes the value below; with no file at all, {@link #builtIn()} is
 * the newcomer setup of docs/contract.md §1: listen on 127.0.0.1:2525, accept mail for
 * {@code example.test}, the system resolver, metrics on 127.0.0.1:9025, and no internal server,
 * so accepted messages are written as {@code .eml} files into {@code var/delivered}.
 *
 * <p>The values are those of the example in docs/contract.md §2 except where a production value would
 * surprise a newcomer: the host name (this machine's), the listener (loopback, unprivileged
 * port), the domains ({@code example.test}, reserved by RFC 2606), no relay, nobody trusted, no
 * STARTTLS. {@code config/spfgate.yaml} spells every one of them out and a test keeps the two equal.
 */
public final class ConfigDefaults {

    // server:
    public static final List<HostPort> LISTEN = List.of(new HostPort("127.0.0.1", 2525));
    public static final int MAX_CONNECTIONS = 2000;
    public static final int MAX_CONNECTIONS_PER_IP = 20;
    /** 50MB: decimal megabytes, as SIZE limits are usually quoted. */
    public static final long MAX_MESSAGE_SIZE = 50_000_000L;
    public static final int MAX_RECIPIENTS = 100;
    /** RFC 5321 4.5.3.2.7 asks for at least 5 minutes waiting for a command. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DATA_TIMEOUT = Duration.ofMinutes(10);
    /** As Postfix's smtpd_timeout, which bounds sending a reply as well as reading a command. */
    public static final Duration WRITE_TIMEOUT = Duration.ofMinutes(5);
    /**
     * A whole connection. Longer than any honest session: Postfix's client stops reusing a
     * connection after 300 s (smtp_connection_reuse_time_limit), and a 50 MB message at 100 kB/s
     * takes about 8 minutes.
     */
    public static final Duration SESSION_TIMEOUT = Duration.ofMinutes(30);
    /**
     * Open transactions one client IP may hold at once. Each holds one of {@code relay.connections}
     * (50): a few addresses must not be able to take them all.
     */
    public static final int MAX_TRANSACTIONS_PER_IP = 10;
    /** {@code null}: no STARTTLS until a certificate and key are configured. */
    public static final ServerConfig.TlsConfig SERVER_TLS = null;
    /** Empty: no PROXY protocol. */
    public static final List<Cidr> PROXY_PROTOCOL = List.of();
    public static final ServerConfig.BareLineEndings BARE_LINE_ENDINGS = ServerConfig.BareLineEndings.NORMALIZE;
    /** {@code null}: the system's temporary directory ({@code java.io.tmpdir}). */
    public static final Path TEMP_DIRECTORY = null;

    /**
     * {@code server.listen_backlog} when absent: room for a burst of {@code max_connections} new
     * connections between two runs of the accept loop. SubEtha's 50 overflowed in a burst of a
     * few thousand: the kernel completed handshakes (SYN cookies) that were never accepted, and
     * those senders waited out their greeting time-out instead of getting 220 or 421.
     */
    public static int listenBacklog(int maxConnections) {
        return maxConnections;
    }

    // domains:
    public static final List<String> DOMAINS = List.of("example.test");

    // relay: absent by default; these apply to keys left out of a relay section that is present.
    public static final RelayConfig RELAY = null;
    public static final int RELAY_PORT = 25;
    public static final RelayConfig.Tls RELAY_TLS = RelayConfig.Tls.OPPORTUNISTIC;
    public static final boolean RELAY_VERIFY_RECIPIENTS = true;
    public static final int RELAY_CONNECTIONS = 50;
    public static final Duration RELAY_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration RELAY_COMMAND_TIMEOUT = Duration.ofMinutes(2);
    /** Also the wait for the reply to the final dot (RFC 5321 4.5.3.2.6 suggests 10 minutes). */
    public static final Duration RELAY_DATA_TIMEOUT = Duration.ofMinutes(10);

    public static final Path DELIVER_TO_DIRECTORY = Path.of("var/delivered");

    // dns:
    /** Empty: the system resolver. */
    public static final List<HostPort> DNS_SERVERS = List.of();
    public static final int DNS_PORT = 53;
    public static final Duration DNS_QUERY_TIMEOUT = Duration.ofSeconds(3);
    /** The whole SPF evaluation (RFC 7208 4.6.4 asks for a limit of at least 20 seconds). */
    public static final Duration DNS_CHECK_TIMEOUT = Duration.ofSeconds(20);

    // spf:
    public static final SpfConfig.Mode SPF_MODE = SpfConfig.Mode.ENFORCE;
    public static final boolean SPF_CHECK_HELO = true;
    /**
     * What each result does unless the file says otherwise: only a hard {@code fail} is refused
     * and {@code temperror} deferred (RFC 7208 8.4 and 8.6); softfail, neutral, none and
     * permerror are accepted and stamped, since rejecting them loses legitimate mail.
     */
    public static final Map<SpfResult, SpfConfig.Action> SPF_ACTIONS = actions();
    /** Local parts never refused for SPF (RFC 5321 4.5.1 requires postmaster to work). */
    public static final List<String> SPF_EXEMPT_RECIPIENTS = List.of("postmaster", "abuse");
    public static final SpfConfig.Headers SPF_HEADERS = new SpfConfig.Headers(true, true);
    /** Off: every refusal happens at RCPT, as before. */
    public static final Set<SpfResult> SPF_DKIM_RESCUE = Set.of();

    // trusted:
    public static final List<TrustedEntry> TRUSTED = List.of();

    // metrics:
    public static final HostPort METRICS_LISTEN = new HostPort("127.0.0.1", 9025);

    // log:
    /** {@code null}: standard output, a container's log. */
    public static final Path LOG_FILE = null;
    public static final LogConfig.Format LOG_FORMAT = LogConfig.Format.TEXT;

    private ConfigDefaults() {
    }

    /** The configuration with no file at all. */
    public static GatewayConfig builtIn() {
        return new GatewayConfig(server(), DOMAINS, RELAY, DELIVER_TO_DIRECTORY, dns(), spf(), TRUSTED, metrics(), log());
    }

    public static ServerConfig server() {
        return new ServerConfig(hostname(), LISTEN, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_IP, MAX_MESSAGE_SIZE,
                MAX_RECIPIENTS, new ServerConfig.Timeouts(COMMAND_TIMEOUT, DATA_TIMEOUT), SERVER_TLS, PROXY_PROTOCOL,
                BARE_LINE_ENDINGS, TEMP_DIRECTORY, MAX_TRANSACTIONS_PER_IP, listenBacklog(MAX_CONNECTIONS));
    }

    public static DnsConfig dns() {
        return new DnsConfig(DNS_SERVERS, DNS_QUERY_TIMEOUT, DNS_CHECK_TIMEOUT);
    }

    public static SpfConfig spf() {
        return new SpfConfig(SPF_MODE, SPF_CHECK_HELO, SPF_ACTIONS, SPF_EXEMPT_RECIPIENTS, SPF_HEADERS, SPF_DKIM_RESCUE);
    }

    public static MetricsConfig metrics() {
        return new MetricsConfig(METRICS_LISTEN);
    }

    public static LogConfig log() {
        return new LogConfig(LOG_FILE, LOG_FORMAT);
    }

    /**
     * {@code server.hostname}'s default: this machine's host name as the OS reports it, in lower
     * case; {@code localhost} if it has none.
     */
    public static String hostname() {
        return MachineName.VALUE;
    }

    private static Map<SpfResult, SpfConfig.Action> actions() {
        Map<SpfResult, SpfConfig.Action> m = new EnumMap<>(SpfResult.class);
        m.put(SpfResult.PASS, SpfConfig.Action.ACCEPT);
        m.put(SpfResult.FAIL, SpfConfig.Action.REJECT);
        m.put(SpfResult.SOFTFAIL, SpfConfig.Action.ACCEPT);
        m.put(SpfResult.NEUTRAL, SpfConfig.Action.ACCEPT);
        m.put(SpfResult.NONE, SpfConfig.Action.ACCEPT);
        m.put(SpfResult.TEMPERROR, SpfConfig.Action.DEFER);
        m.put(SpfResult.PERMERROR, SpfConfig.Action.ACCEPT);
        return Collections.unmodifiableMap(m);
    }

    /** Looked up once, on first use. */
    private static final class MachineName {
        static final String VALUE = lookUp();

        /**
         * The kernel's name first: {@code InetAddress.getLocalHost()} also resolves the name,
         * which can block for the resolver's time-out on a machine whose DNS is unreachable.
         */
        private static String lookUp() {
            try {
                Path kernel = Path.of("/proc/sys/kernel/hostname");
                if (Files.isReadable(kernel)) {
                    return DomainNameSyntax.normalize(Files.readString(kernel).trim());
                }
                return DomainNameSyntax.normalize(InetAddress.getLocalHost().getHostName());
            } catch (IOException | IllegalArgumentException e) {
                return "localhost";
            }
        }
    }
}
