package org.spfgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.spfgate.config.HostPort;
import org.spfgate.config.TrustedEntry;
import org.spfgate.policy.RejectionReason;

/** Scrapes the real endpoint over HTTP on loopback, as Prometheus would. */
class MetricsEndpointTest {

    private static final List<String> RFC7208_RESULTS =
            List.of("pass", "fail", "softfail", "neutral", "none", "temperror", "permerror");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private GatewayMetrics metrics;
    private MetricsServer server;

    @BeforeEach
    void start() throws Exception {
        metrics = new GatewayMetrics(List.of(
                new TrustedEntry("backup-mx", List.of(), List.of()),
                new TrustedEntry("university-forwarder", List.of(), List.of())));
        server = MetricsServer.start(new HostPort("127.0.0.1", 0), metrics, () -> true, () -> true);
    }

    @AfterEach
    void stop() {
        server.close();
        metrics.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
        HttpRequest request = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everySpecMetricIsScrapedAtZeroBeforeAnyTraffic() throws Exception {
        HttpResponse<String> response = send("GET", "/metrics");
        assertEquals(200, response.statusCode());
        PrometheusText scrape = PrometheusText.parse(response.body());

        assertEquals("counter", scrape.types().get("spfgate_connections_total"));
        for (String outcome : List.of("accepted", "refused_limit", "refused_per_ip")) {
            assertEquals(0.0, scrape.value("spfgate_connections_total", "outcome", outcome));
        }
        assertEquals("gauge", scrape.types().get("spfgate_sessions_active"));
        assertEquals(0.0, scrape.value("spfgate_sessions_active"));
        assertEquals("counter", scrape.types().get("spfgate_spf_checks_total"));
        for (String identity : List.of("mailfrom", "helo")) {
            for (String result : RFC7208_RESULTS) {
                assertEquals(0.0, scrape.value("spfgate_spf_checks_total", "identity", identity, "result", result));
            }
        }
        assertEquals(14, scrape.family("spfgate_spf_checks_total").size(), "exactly 2 identities x 7 results");
        assertHistogramAtZero(scrape, "spfgate_spf_check_seconds");
        for (String outcome : List.of("relayed", "rejected", "deferred")) {
            assertEquals(0.0, scrape.value("spfgate_messages_total", "outcome", outcome));
        }
        assertEquals(3, scrape.family("spfgate_messages_total").size());
        for (String reason : List.of("spf_fail", "spf_softfail", "spf_permerror", "spf_temperror", "helo_fail",
                "relay_denied", "bad_recipient", "too_many_recipients", "message_too_large",
                "bare_line_ending", "downstream_rejected", "downstream_unavailable")) {
            assertEquals(0.0, scrape.value("spfgate_rejections_total", "reason", reason), reason);
        }
        assertEquals(0.0, scrape.value("spfgate_trusted_total", "name", "backup-mx"));
        assertEquals(0.0, scrape.value("spfgate_trusted_total", "name", "university-forwarder"));
        assertEquals(2, scrape.family("spfgate_trusted_total").size());
        assertHistogramAtZero(scrape, "spfgate_relay_seconds");
        for (String reason : List.of("unreachable", "timeout", "lost", "tls", "rejected")) {
            assertEquals(0.0, scrape.value("spfgate_relay_failures_total", "reason", reason), reason);
        }
        for (String type : List.of("txt", "a", "aaaa", "mx", "ptr")) {
            for (String outcome : List.of("answer", "nxdomain", "nodata", "servfail", "timeout", "error")) {
                assertEquals(0.0, scrape.value("spfgate_dns_queries_total", "type", type, "outcome", outcome));
            }
        }
        assertEquals(30, scrape.family("spfgate_dns_queries_total").size());

        scrape.samples().stream().filter(s -> s.name().startsWith("spfgate_"))
                .forEach(s -> assertEquals(0.0, s.value(), () -> "not zero at start: " + s));
        assertTrue(scrape.types().containsKey("jvm_memory_used_bytes"), "JVM metrics are included");
        assertTrue(scrape.types().containsKey("process_uptime_seconds"), "process metrics are included");
    }

    private static void assertHistogramAtZero(PrometheusText scrape, String name) {
        assertEquals("histogram", scrape.types().get(name), name);
        assertEquals(0.0, scrape.value(name + "_count"));
        assertEquals(0.0, scrape.value(name + "_sum"));
        List<String> buckets = scrape.family(name).stream().filter(s -> s.name().endsWith("_bucket"))
                .map(s -> s.labels().get("le")).toList();
        assertEquals(List.of("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0",
                "10.0", "30.0", "+Inf"), buckets, "a handful of buckets that suit mail, not ~69");
    }

    @Test
    void jvmMetricsThatPromtoolWouldFlagAreRenamedOrLeftOutAndEveryMetricHasHelpText() throws Exception {
        PrometheusText scrape = PrometheusText.parse(send("GET", "/metrics").body());
        assertTrue(scrape.types().containsKey("system_cpus"), "system.cpu.count renamed");
        assertFalse(scrape.types().containsKey("system_cpu_count"), "no _count suffix on a gauge");
        assertFalse(scrape.types().containsKey("process_cpu_time_ns_total"), "no unit abbreviation in a name");
        assertFalse(scrape.types().containsKey("jvm_compilation_time_ms_total"), "no unit abbreviation in a name");
        scrape.types().keySet().forEach(name ->
                assertFalse(scrape.help().getOrDefault(name, "").isBlank(), () -> name + " has HELP text"));
    }

    @Test
    void metricsAreServedAsPrometheusText004() throws Exception {
        HttpResponse<String> response = send("GET", "/metrics");
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void aCounterMovedByTheGatewayShowsInTheNextScrape() throws Exception {
        metrics.rejected(RejectionReason.RELAY_DENIED);
        PrometheusText scrape = PrometheusText.parse(send("GET", "/metrics").body());
        assertEquals(1.0, scrape.value("spfgate_rejections_total", "reason", "relay_denied"));
    }

    @Test
    void headAnswersLikeGetWithoutABody() throws Exception {
        HttpResponse<String> response = send("HEAD", "/metrics");
        assertEquals(200, response.statusCode());
        assertEquals("", response.body());
    }

    @Test
    void anotherMethodIsRefusedWith405AndTheAllowedOnes() throws Exception {
        HttpResponse<String> response = send("POST", "/metrics");
        assertEquals(405, response.statusCode());
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElseThrow());
        assertEquals("method not allowed\n", response.body());
    }

    @Test
    void anUnknownPathIs404() throws Exception {
        HttpResponse<String> response = send("GET", "/admin");
        assertEquals(404, response.statusCode());
        assertEquals("not found\n", response.body());
        assertEquals(404, send("GET", "/metrics/extra").statusCode());
    }
}
