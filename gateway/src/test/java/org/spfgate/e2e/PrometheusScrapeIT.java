package org.spfgate.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;
import org.spfgate.testhost.FreePort;
import org.spfgate.testhost.ThirdPartyTools;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.wiser.Wiser;

/**
 * Monitoring as an operator sets it up: a real Prometheus server (Debian's {@code prometheus})
 * scrapes the running gateway (the built jar started by {@code bin/spfgate}), and its HTTP API
 * answers PromQL about two messages this test sent with swaks — one relayed, one refused for
 * SPF. Everything on loopback: Prometheus with a temporary config and storage, the test DNS
 * server, Wiser as the internal server.
 */
class PrometheusScrapeIT {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path SWAKS = Path.of("/usr/bin/swaks");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesTheGatewayAndAnswersQueriesAboutTheMessagesSent() throws Exception {
        ThirdPartyTools.require(PROMETHEUS.toString(), SWAKS.toString());
        Path jar = Path.of(System.getProperty("spfgate.jar"));
        Path launcher = Path.of(System.getProperty("spfgate.readme")).getParent().resolve("bin/spfgate");
        try (TestDnsServer dns = TestDnsServer.start(new TestZone()
                .txt("sender.test", "v=spf1 ip4:127.0.0.1 -all")
                .txt("forger.test", "v=spf1 ip4:192.0.2.1 -all")
                .a("mail.sender.test", "127.0.0.1"))) {
            Wiser internal = Wiser.create(SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress())
                    .hostName("internal.test").insertReceivedHeaders(false).maxMessageSize(10_000_000));
            internal.start();
            int smtpPort = FreePort.onLoopback();
            int metricsPort = FreePort.onLoopback();
            Path config = dir.resolve("spfgate.yaml");
            Files.writeString(config, """
                    server: { hostname: mx.example.test, listen: ["127.0.0.1:%d"] }
                    domains: [example.test]
                    relay: { host: 127.0.0.1, port: %d, tls: none }
                    dns: { servers: ["127.0.0.1:%d"] }
                    spf: { check_helo: false }
                    metrics: { listen: "127.0.0.1:%d" }
                    """.formatted(smtpPort, internal.getServer().getPortAllocated(), dns.port(), metricsPort));
            ProcessBuilder start = new ProcessBuilder(launcher.toString(), "run", "--config", config.toString())
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile());
            start.environment().put("JAVA_HOME", System.getProperty("java.home"));
            start.environment().put("SPFGATE_JAR", jar.toString());
            Process gateway = start.start();
            Process prometheus = null;
            try {
                awaitHttp200("http://127.0.0.1:" + metricsPort + "/health", gateway, dir.resolve("gateway.log"));
                swaks(smtpPort, "alice@sender.test", 0);
                swaks(smtpPort, "mallory@forger.test", 24); // swaks: 24 = refused at RCPT

                int prometheusPort = FreePort.onLoopback();
                Path prometheusConfig = dir.resolve("prometheus.yml");
                Files.writeString(prometheusConfig, """
                        global: { scrape_interval: 1s, evaluation_interval: 1s }
                        scrape_configs:
                          - job_name: spfgate
                            static_configs: [ { targets: ["127.0.0.1:%d"] } ]
                        """.formatted(metricsPort));
                Path prometheusLog = dir.resolve("prometheus.log");
                prometheus = new ProcessBuilder(PROMETHEUS.toString(),
                        "--config.file=" + prometheusConfig,
                        "--storage.tsdb.path=" + dir.resolve("tsdb"),
                        "--web.listen-address=127.0.0.1:" + prometheusPort)
                        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(prometheusLog.toFile()).start();
                String api = "http://127.0.0.1:" + prometheusPort + "/api/v1/query?query=";
                awaitHttp200("http://127.0.0.1:" + prometheusPort + "/-/ready", prometheus, prometheusLog);

                assertEquals("1", awaitValue(api, "up{job=\"spfgate\"}", prometheus, prometheusLog),
                        "Prometheus scrapes the gateway");
                assertEquals("1", awaitValue(api, "spfgate_messages_total{outcome=\"relayed\"}", prometheus, prometheusLog));
                assertEquals("1", awaitValue(api, "spfgate_rejections_total{reason=\"spf_fail\"}", prometheus, prometheusLog));
                assertEquals("2", awaitValue(api, "sum(spfgate_spf_checks_total{identity=\"mailfrom\"})", prometheus, prometheusLog));
                assertEquals("1", awaitValue(api, "sum(spfgate_relay_seconds_count)", prometheus, prometheusLog));
                assertEquals(1, internal.getMessages().size(), "the relayed message reached the internal server");
            } finally {
                if (prometheus != null) {
                    prometheus.destroy();
                    assertTrue(prometheus.waitFor(30, TimeUnit.SECONDS), "prometheus stops on SIGTERM");
                }
                gateway.destroy();
                assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "the gateway stops on SIGTERM");
                internal.stop();
            }
        }
    }

    private void swaks(int smtpPort, String from, int expectedStatus) throws Exception {
        Process client = new ProcessBuilder(SWAKS.toString(), "--server", "127.0.0.1:" + smtpPort,
                "--helo", "mail.sender.test", "--from", from, "--to", "bob@example.test")
                .redirectErrorStream(true).start();
        String dialog = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(client.waitFor(60, TimeUnit.SECONDS));
        assertEquals(expectedStatus, client.exitValue(), dialog);
    }

    /**
     * Asks the query until it has exactly one sample whose value stops being absent or zero
     * (the next scrapes bring it), then returns that value. 60 s at most.
     */
    private static String awaitValue(String api, String query, Process prometheus, Path log) throws Exception {
        URI uri = URI.create(api + URLEncoder.encode(query, StandardCharsets.UTF_8));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < end) {
            assertTrue(prometheus.isAlive(), () -> "prometheus exited:\n" + read(log));
            last = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
            JsonNode result = JSON.readTree(last).path("data").path("result");
            if (result.size() == 1 && !result.get(0).path("value").get(1).asText().equals("0")) {
                return result.get(0).path("value").get(1).asText();
            }
            Thread.sleep(250);
        }
        throw new AssertionError(query + ": no non-zero answer within 60 s; last: " + last + "\n" + read(log));
    }

    private static void awaitHttp200(String url, Process process, Path log) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            assertTrue(process.isAlive(), () -> url + ": the process exited:\n" + read(log));
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError(url + " not 200 within 60 s:\n" + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
