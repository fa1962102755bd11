package org.spfgate.dialog;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.spfgate.config.ConfigLoader;
import org.spfgate.config.GatewayConfig;
import org.spfgate.config.HostPort;
import org.spfgate.config.ServerConfig;
import org.spfgate.Gateway;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;
import org.spfgate.testhost.LogFile;
import org.spfgate.testhost.TemporaryDirectory;

/**
 * The real gateway on 127.0.0.1 with everything it talks to real as well: the test DNS server
 * on loopback (the only DNS server the gateway is configured with) and {@link InternalMailServer}
 * as the internal server. Configured from YAML, like production; the decision log goes to a
 * file the test can read.
 */
final class GatewayUnderTest implements AutoCloseable {

    static final String HOSTNAME = "mx.gateway.test";

    final TestDnsServer dns;
    final InternalMailServer internal;
    final Gateway gateway;
    final Path logFile;
    /** The YAML the gateway was configured from (for {@code explain --config}). */
    final Path configFile;
    private final TemporaryDirectory directory;

    private GatewayUnderTest(Builder b) throws Exception {
        directory = new TemporaryDirectory("spfgate-dialog");
        Files.createDirectories(directory.resolve("held"));
        logFile = directory.resolve("decisions.log");
        dns = TestDnsServer.start(b.zone);
        internal = new InternalMailServer();
        String relay = b.relayPort == -2 ? "" : """
                relay:
                  host: 127.0.0.1
                  port: %d
                  tls: none
                  verify_recipients: true
                  connections: 4
                  timeouts: { connect: 2s, command: 2s, data: %s }
                """.formatted(b.relayPort == -1 ? internal.port() : b.relayPort, b.relayDataTimeout);
        String yaml = """
                server:
                  hostname: %s
                  listen: ["127.0.0.1:2525"]
                  max_connections: %d
                  max_connections_per_ip: %d
                  max_message_size: %d
                  max_recipients: %d
                  timeouts: { command: %s, data: %s, write: %s, session: %s }
                  bare_line_endings: %s
                  temp_directory: "%s"
                  %s
                domains: [ours.test, example.org]
                %s
                deliver_to_directory: "%s"
                dns:
                  servers: ["127.0.0.1:%d"]
                  query_timeout: 1s
                  check_timeout: 3s
                spf:
                  mode: %s
                  check_helo: %s
                  actions: { fail: reject, softfail: accept, neutral: accept, none: accept, temperror: defer, permerror: accept }
                  exempt_recipients: [postmaster, abuse]
                  dkim_rescue: %s
                %s
                metrics:
                  listen: null
                log:
                  file: "%s"
                  format: text
                """.formatted(HOSTNAME, b.maxConnections, b.maxConnectionsPerIp, b.maxMessageSize, b.maxRecipients,
                b.commandTimeout, b.dataTimeout, b.writeTimeout, b.sessionTimeout, b.bareLineEndings, heldDirectory(),
                String.join("\n  ", b.serverKeys), relay, directory.resolve("delivered"),
                dns.port(), b.mode, b.checkHelo, b.dkimRescue, b.trusted, logFile);
        configFile = directory.resolve("spfgate.yaml");
        Files.writeString(configFile, yaml, StandardCharsets.UTF_8);
        GatewayConfig config = ConfigLoader.parse(yaml, "dialog test");
        gateway = new Gateway(b.alsoIpv6 ? onFreePorts(config, "127.0.0.1", "::1") : onAnyFreePort(config), null,
                b.dnsClock);
        gateway.start();
    }

    /** The config refuses port 0 (an operator never means it); tests need any free port. */
    static GatewayConfig onAnyFreePort(GatewayConfig c) {
        return onFreePorts(c, "127.0.0.1");
    }

    /** {@link #onAnyFreePort}, listening on each of these addresses. */
    static GatewayConfig onFreePorts(GatewayConfig c, String... hosts) {
        ServerConfig s = c.server();
        List<HostPort> listen = Stream.of(hosts).map(host -> new HostPort(host, 0)).toList();
        ServerConfig server = s.withListen(listen);
        return new GatewayConfig(server, c.domains(), c.relay(), c.deliverToDirectory(), c.dns(), c.spf(),
                c.trusted(), c.metrics(), c.log());
    }

    /**
     * A gateway offering STARTTLS with the certificate and key {@code pem}, relaying to
     * {@code internal} over at most {@code relayConnections}, DNS from {@code dns} only.
     */
    static GatewayConfig withStartTls(Path[] pem, InternalMailServer internal, TestDnsServer dns,
            int relayConnections, Path log) throws Exception {
        return onAnyFreePort(ConfigLoader.parse("""
                server:
                  hostname: %s
                  listen: ["127.0.0.1:2525"]
                  tls: { certificate: "%s", key: "%s" }
                domains: [ours.test]
                relay: { host: 127.0.0.1, port: %d, tls: none, connections: %d }
                dns: { servers: ["127.0.0.1:%d"], query_timeout: 1s }
                metrics: { listen: null }
                log: { file: "%s" }
                """.formatted(HOSTNAME, pem[0], pem[1], internal.port(), relayConnections, dns.port(), log),
                "STARTTLS dialog test"));
    }

    static Builder with(TestZone zone) {
        return new Builder(zone);
    }

    InetSocketAddress address() {
        return gateway.smtpAddresses().get(0);
    }

    SmtpClient connect() throws IOException {
        return SmtpClient.connect(address());
    }

    /** A client from ::1 (the gateway must have been built with {@link Builder#alsoOnIpv6()}). */
    SmtpClient connectOverIpv6() throws IOException {
        return SmtpClient.connect(gateway.smtpAddresses().stream()
                .filter(a -> a.getAddress() instanceof Inet6Address).findFirst()
                .orElseThrow(() -> new IllegalStateException("no IPv6 listener: use alsoOnIpv6()")));
    }

    /** {@code server.temp_directory}: where held messages too large for memory go. */
    Path heldDirectory() {
        return directory.resolve("held");
    }

    Path deliveredDirectory() {
        return directory.resolve("delivered");
    }

    /** The value of a counter of the gateway's registry, e.g. {@code ("spfgate.client.deadlines", "deadline", "write")}. */
    double counter(String name, String... tags) {
        var counter = gateway.metrics().registry().find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Waits (briefly) for a counter to reach {@code at least}; returns its value then. */
    double awaitCounter(double atLeast, String name, String... tags) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        double value = counter(name, tags);
        while (value < atLeast && System.nanoTime() < end) {
            Thread.sleep(20);
            value = counter(name, tags);
        }
        return value;
    }

    /** The decision log so far. */
    List<String> logLines() throws IOException {
        return Files.exists(logFile) ? Files.readAllLines(logFile, StandardCharsets.UTF_8) : List.of();
    }

    /** Waits (briefly) for the decision log to have {@code n} lines: it is written when the client has its reply. */
    List<String> awaitLogLines(int n) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> lines = logLines();
        while (lines.size() < n && System.nanoTime() < end) {
            Thread.sleep(10);
            lines = logLines();
        }
        return lines;
    }

    /** Waits (briefly) for a decision-log line matching {@code test}; returns it, or fails listing the log. */
    String awaitLogLine(java.util.function.Predicate<String> test) throws Exception {
        return new LogFile(logFile).awaitLine(test, Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        gateway.close();
        internal.close();
        dns.close();
        directory.close();
    }

    static final class Builder {
        private final TestZone zone;
        private int maxConnections = 50;
        private int maxConnectionsPerIp = 10;
        private long maxMessageSize = 1_000_000;
        private int maxRecipients = 10;
        private String bareLineEndings = "normalize";
        private String mode = "enforce";
        private boolean checkHelo = true;
        private String trusted = "trusted: []";
        private String dkimRescue = "[]";
        /** -1: the internal server; -2: no relay (directory delivery); else that port. */
        private int relayPort = -1;
        private String relayDataTimeout = "2s";
        private String commandTimeout = "10s";
        private String dataTimeout = "10s";
        private String writeTimeout = "10s";
        private String sessionTimeout = "10m";
        private final List<String> serverKeys = new java.util.ArrayList<>();
        private boolean alsoIpv6;
        private LongSupplier dnsClock = System::nanoTime;

        private Builder(TestZone zone) {
            this.zone = zone;
        }

        /** {@code spf.dkim_rescue}, e.g. {@code [fail]}. */
        Builder dkimRescue(String results) {
            dkimRescue = results;
            return this;
        }

        Builder maxConnectionsPerIp(int n) {
            maxConnectionsPerIp = n;
            return this;
        }

        Builder maxConnections(int n) {
            maxConnections = n;
            return this;
        }

        Builder maxMessageSize(long bytes) {
            maxMessageSize = bytes;
            return this;
        }

        Builder maxRecipients(int n) {
            maxRecipients = n;
            return this;
        }

        Builder rejectBareLineEndings() {
            bareLineEndings = "reject";
            return this;
        }

        Builder reportOnly() {
            mode = "report-only";
            return this;
        }

        Builder checkHelo(boolean on) {
            checkHelo = on;
            return this;
        }

        /** The {@code trusted:} block, as YAML. */
        Builder trusted(String yaml) {
            trusted = yaml;
            return this;
        }

        Builder relayTo(int port) {
            relayPort = port;
            return this;
        }

        Builder deliverToDirectory() {
            relayPort = -2;
            return this;
        }

        /** {@code server.timeouts}. */
        Builder clientTimeouts(String command, String data) {
            commandTimeout = command;
            dataTimeout = data;
            return this;
        }

        /** More {@code server:} keys, one YAML line each, e.g. {@code "proxy_protocol: [127.0.0.0/8]"}. */
        Builder serverKey(String line) {
            serverKeys.add(line);
            return this;
        }

        /** {@code server.timeouts.write} and {@code server.timeouts.session}. */
        Builder clientDeadlines(String write, String session) {
            writeTimeout = write;
            sessionTimeout = session;
            return this;
        }

        Builder relayDataTimeout(String duration) {
            relayDataTimeout = duration;
            return this;
        }

        /** Listens on ::1 as well as on 127.0.0.1. */
        Builder alsoOnIpv6() {
            alsoIpv6 = true;
            return this;
        }

        /** The clock DNS answers (and trusted mx_of sets) age by: a test moves it instead of waiting. */
        Builder dnsClock(LongSupplier nanoClock) {
            dnsClock = nanoClock;
            return this;
        }

        GatewayUnderTest start() throws Exception {
            return new GatewayUnderTest(this);
        }
    }
}
