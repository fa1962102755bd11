package org.spfgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.spfgate.config.HostPort;

/** {@code /health} over HTTP as a load balancer sees it, while the two things it watches change. */
class HealthEndpointTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicBoolean listenerRunning = new AtomicBoolean(true);
    private final AtomicBoolean internalServerReachable = new AtomicBoolean(true);
    private GatewayMetrics metrics;
    private MetricsServer server;

    @BeforeEach
    void start() throws Exception {
        metrics = new GatewayMetrics();
        server = MetricsServer.start(new HostPort("127.0.0.1", 0), metrics,
                listenerRunning::get, internalServerReachable::get);
    }

    @AfterEach
    void stop() {
        server.close();
        metrics.close();
    }

    private HttpResponse<String> health() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/health");
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertHealth(int status, String body) throws Exception {
        HttpResponse<String> response = health();
        assertEquals(status, response.statusCode());
        assertEquals(body, response.body());
    }

    @Test
    void healthIsOkWhileTheListenerRunsAndTheInternalServerAnswers() throws Exception {
        assertHealth(200, "ok\n");
    }

    @Test
    void healthGoesTo503WhenTheInternalServerStopsAnsweringAndBackTo200() throws Exception {
        assertHealth(200, "ok\n");
        internalServerReachable.set(false);
        assertHealth(503, "unavailable: internal server not reachable\n");
        internalServerReachable.set(true);
        assertHealth(200, "ok\n");
    }

    @Test
    void healthIs503WhenTheListenerIsNotRunning() throws Exception {
        listenerRunning.set(false);
        assertHealth(503, "unavailable: SMTP listener not running\n");
        listenerRunning.set(true);
        assertHealth(200, "ok\n");
    }

    @Test
    void aHealthCheckThatThrowsCountsAsDown() throws Exception {
        try (MetricsServer throwing = MetricsServer.start(new HostPort("127.0.0.1", 0), metrics, () -> true,
                () -> {
                    throw new IllegalStateException("pool closed");
                })) {
            URI uri = URI.create("http://127.0.0.1:" + throwing.address().getPort() + "/health");
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, response.statusCode());
            assertEquals("unavailable: internal server not reachable\n", response.body());
        }
    }
}
