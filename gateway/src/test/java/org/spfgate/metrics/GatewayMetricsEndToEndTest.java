package org.spfgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.config.ConfigLoader;
import org.spfgate.config.GatewayConfig;
import org.spfgate.config.HostPort;
import org.spfgate.config.MetricsConfig;
import org.spfgate.config.ServerConfig;
import org.spfgate.Gateway;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.wiser.Wiser;

/**
 * The running gateway, driven over SMTP, watched through its live {@code /metrics} endpoint: a
 * pass, a fail, a trusted client and a deferral each move exactly the counters they should and
 * nothing else. Everything is real and on loopback: the gateway's listeners on
 * 127.0.0.1 and ::1, SPF answered by the wire-protocol test DNS server, Wiser as the internal
 * server. The trusted client is the one connecting from ::1 ({@code trusted: networks [::1/128]}).
 * Each transaction's decision-log line is checked to tell the same story.
 */
class GatewayMetricsEndToEndTest {

    private static final String MESSAGE = "Subject: metrics\r\nFrom: <a@x>\r\n\r\nHello.\r\n.\r\n";

    private static TestDnsServer dns;
    private static Wiser internal;
    private static Gateway gateway;
    @TempDir
    static Path directory;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        // Every scenario has its own names, so no answer comes from an earlier scenario's cache.
        TestZone zone = new TestZone()
                .txt("pass.test", "v=spf1 ip4:127.0.0.1 -all")
                .txt("helo-pass.test", "v=spf1 ip4:127.0.0.1 -all")
                .txt("fail.test", "v=spf1 -all")
                .txt("helo-fail-scenario.test", "v=spf1 ip4:127.0.0.1 -all")
                .timeout("slow.test")
                .txt("helo-slow-scenario.test", "v=spf1 ip4:127.0.0.1 -all");
        dns = TestDnsServer.start(zone);
        internal = Wiser.create(SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress())
                .hostName("internal.test").insertReceivedHeaders(false).maxMessageSize(10_000_000));
        internal.start();
        String yaml = """
                server:
                  hostname: mx.gateway.test
                  listen: ["127.0.0.1:2525"]
                  timeouts: { command: 10s, data: 10s }
                domains: [ours.test]
                relay:
                  host: 127.0.0.1
                  port: %d
                  tls: none
                  verify_recipients: true
                  connections: 2
                  timeouts: { connect: 2s, command: 5s, data: 5s }
                dns:
                  servers: ["127.0.0.1:%d"]
                  query_timeout: 300ms
                  check_timeout: 2s
                spf:
                  mode: enforce
                  check_helo: true
                  actions: { fail: reject, temperror: defer }
                trusted:
                  - name: ipv6-loopback-mx
                    networks: ["::1/128"]
                log:
                  file: "%s"
                """.formatted(internal.getServer().getPortAllocated(), dns.port(), directory.resolve("decisions.log"));
        GatewayConfig c = ConfigLoader.parse(yaml, "metrics end-to-end test");
        ServerConfig s = c.server();
        // The config refuses port 0 (an operator never means it); the test needs free ports.
        ServerConfig server = s.withListen(List.of(new HostPort("127.0.0.1", 0), new HostPort("::1", 0)));
        gateway = Gateway.start(new GatewayConfig(server, c.domains(), c.relay(), c.deliverToDirectory(), c.dns(),
                c.spf(), c.trusted(), new MetricsConfig(new HostPort("127.0.0.1", 0)), c.log()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        internal.stop();
        dns.close();
    }

    private static String scrape() {
        URI uri = URI.create("http://127.0.0.1:" + gateway.metricsAddress().getPort() + "/metrics");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return response.body();
        } catch (Exception e) {
            throw new AssertionError("scrape failed", e);
        }
    }

    private static InetSocketAddress listener(Class<? extends InetAddress> family) {
        return gateway.smtpAddresses().stream().filter(a -> family.isInstance(a.getAddress())).findFirst()
                .orElseThrow();
    }

    /**
     * Runs a client conversation and returns the metrics delta it caused, once the session has
     * ended (the outcome of a refused transaction is counted when the client leaves).
     */
    private static Map<String, Double> deltaOf(ThrowingRunnable conversation, Map<String, Double> expected)
            throws Exception {
        Map<String, Double> before = MetricsDelta.snapshot(scrape());
        conversation.run();
        Supplier<Map<String, Double>> delta = () -> MetricsDelta.between(before, MetricsDelta.snapshot(scrape()));
        long end = System.nanoTime() + 5_000_000_000L;
        Map<String, Double> now = delta.get();
        while (!now.equals(expected) && System.nanoTime() < end) {
            Thread.sleep(20);
            now = delta.get();
        }
        return now;
    }

    /** The decision-log line of the transaction from {@code sender}: the same story as the counters. */
    private static String logLineFrom(String sender) throws Exception {
        Path file = directory.resolve("decisions.log");
        long end = System.nanoTime() + 5_000_000_000L;
        while (true) {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
            List<String> matching = lines.stream().filter(l -> l.contains(" from=<" + sender + "> ")).toList();
            if (matching.size() == 1) {
                return matching.get(0);
            }
            if (matching.size() > 1 || System.nanoTime() > end) {
                throw new AssertionError("expected one line from " + sender + " in\n" + String.join("\n", lines));
            }
            Thread.sleep(20);
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Runs the conversation; the counters it moves must be exactly {@code expected}. */
    private static void assertMovesExactly(Map<String, Double> expected, ThrowingRunnable conversation)
            throws Exception {
        assertEquals(expected, deltaOf(conversation, expected));
    }

    /** From 127.0.0.1 or ::1: the greeting, EHLO and the sender's MAIL FROM, accepted. */
    private static SmtpLineClient mailFrom(Class<? extends InetAddress> family, String helo, String sender)
            throws Exception {
        SmtpLineClient c = SmtpLineClient.connect(listener(family));
        try {
            assertTrue(c.reply().startsWith("220 mx.gateway.test"));
            assertTrue(c.send("EHLO " + helo).startsWith("250"));
            assertEquals("250 2.1.0 Sender OK", c.send("MAIL FROM:<" + sender + ">"));
            return c;
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
    }

    /** {@link #mailFrom}, then RCPT TO bob, the message relayed, QUIT. */
    private static void relayed(Class<? extends InetAddress> family, String helo, String sender) throws Exception {
        try (SmtpLineClient c = mailFrom(family, helo, sender)) {
            assertTrue(c.send("RCPT TO:<bob@ours.test>").startsWith("250"));
            assertTrue(c.send("DATA").startsWith("354"));
            assertTrue(c.sendRaw(MESSAGE).startsWith("250"));
            assertTrue(c.send("QUIT").startsWith("221"));
        }
    }

    /** {@link #mailFrom} 127.0.0.1, then RCPT TO bob refused with a reply starting with {@code refusal}, QUIT. */
    private static void refusedAtRcpt(String helo, String sender, String refusal) throws Exception {
        try (SmtpLineClient c = mailFrom(Inet4Address.class, helo, sender)) {
            assertTrue(c.send("RCPT TO:<bob@ours.test>").startsWith(refusal));
            assertTrue(c.send("QUIT").startsWith("221"));
        }
    }

    @Test
    void aPassingMessageCountsTwoPassChecksOneConnectionAndOneRelay() throws Exception {
        int delivered = internal.getMessages().size();
        Map<String, Double> expected = Map.of(
                "spfgate_connections_total{outcome=accepted}", 1.0,
                "spfgate_spf_checks_total{identity=mailfrom, result=pass}", 1.0,
                "spfgate_spf_checks_total{identity=helo, result=pass}", 1.0,
                "spfgate_spf_check_seconds_count{}", 2.0,
                "spfgate_dns_queries_total{outcome=answer, type=txt}", 2.0,
                "spfgate_dns_query_seconds_count{type=txt}", 2.0,
                "spfgate_relay_seconds_count{}", 1.0,
                "spfgate_messages_total{outcome=relayed}", 1.0);
        assertMovesExactly(expected, () -> relayed(Inet4Address.class, "helo-pass.test", "alice@pass.test"));
        assertEquals(delivered + 1, internal.getMessages().size());
        String line = logLineFrom("alice@pass.test");
        assertTrue(line.contains(" to=<bob@ours.test> spf=pass mechanism=\"ip4:127.0.0.1\" helo_spf=pass "), line);
        assertTrue(line.contains(" status=relayed reply=\"250 "), line);
    }

    @Test
    void aFailingSenderCountsTheFailTheRejectionAndOneRejectedMessage() throws Exception {
        Map<String, Double> expected = Map.of(
                "spfgate_connections_total{outcome=accepted}", 1.0,
                "spfgate_spf_checks_total{identity=mailfrom, result=fail}", 1.0,
                "spfgate_spf_checks_total{identity=helo, result=pass}", 1.0,
                "spfgate_spf_check_seconds_count{}", 2.0,
                "spfgate_dns_queries_total{outcome=answer, type=txt}", 2.0,
                "spfgate_dns_query_seconds_count{type=txt}", 2.0,
                "spfgate_rejections_total{reason=spf_fail}", 1.0,
                "spfgate_messages_total{outcome=rejected}", 1.0);
        assertMovesExactly(expected, () -> refusedAtRcpt("helo-fail-scenario.test", "mallory@fail.test", "550 5.7.23 "));
        String line = logLineFrom("mallory@fail.test");
        assertTrue(line.contains(" spf=fail mechanism=\"-all\" "), line);
        assertTrue(line.contains(" status=rejected reason=spf_fail reply=\"550 5.7.23 "), line);
    }

    @Test
    void aTrustedClientCountsUnderItsEntryNameWithNoSpfCheck() throws Exception {
        int delivered = internal.getMessages().size();
        Map<String, Double> expected = Map.of(
                "spfgate_connections_total{outcome=accepted}", 1.0,
                "spfgate_trusted_total{name=ipv6-loopback-mx}", 1.0,
                "spfgate_relay_seconds_count{}", 1.0,
                "spfgate_messages_total{outcome=relayed}", 1.0);
        // fail.test publishes -all: a trusted client is not checked, so this is relayed.
        assertMovesExactly(expected, () -> relayed(Inet6Address.class, "backup-mx.test", "list@fail.test"));
        assertEquals(delivered + 1, internal.getMessages().size());
        String line = logLineFrom("list@fail.test");
        assertTrue(line.contains(" client=unknown[::1] helo=backup-mx.test "), line);
        assertTrue(line.contains(" trusted=ipv6-loopback-mx trusted_by=networks via=skip status=relayed "), line);
        assertTrue(!line.contains(" spf="), "a trusted client has no SPF result: " + line);
    }

    @Test
    void aDnsTimeoutCountsATemperrorATimedOutQueryAndOneDeferredMessage() throws Exception {
        Map<String, Double> expected = Map.of(
                "spfgate_connections_total{outcome=accepted}", 1.0,
                "spfgate_spf_checks_total{identity=mailfrom, result=temperror}", 1.0,
                "spfgate_spf_checks_total{identity=helo, result=pass}", 1.0,
                "spfgate_spf_check_seconds_count{}", 2.0,
                "spfgate_dns_queries_total{outcome=timeout, type=txt}", 1.0,
                "spfgate_dns_queries_total{outcome=answer, type=txt}", 1.0,
                "spfgate_dns_query_seconds_count{type=txt}", 2.0,
                "spfgate_rejections_total{reason=spf_temperror}", 1.0,
                "spfgate_messages_total{outcome=deferred}", 1.0);
        assertMovesExactly(expected, () -> refusedAtRcpt("helo-slow-scenario.test", "carol@slow.test", "451 4.4.3 "));
        String line = logLineFrom("carol@slow.test");
        assertTrue(line.contains(" spf=temperror "), line);
        assertTrue(line.contains(" status=deferred reason=spf_temperror reply=\"451 4.4.3 "), line);
    }

    @Test
    void healthIsOkWhileTheGatewayRunsAndTheInternalServerAnswers() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + gateway.metricsAddress().getPort() + "/health");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("ok\n", response.body());
    }
}
