package org.spfgate.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spfgate.config.HostPort;

/**
 * The operator's HTTP endpoint on {@code metrics.listen} (docs/contract.md §6), on the JDK's own HTTP server:
 * {@code GET /metrics} is the Prometheus text format of {@link GatewayMetrics}, {@code GET /health}
 * answers {@code 200 ok} while the SMTP listener runs and the internal server answers, {@code 503}
 * otherwise, so that a load balancer stops sending mail to a gateway that can only defer it.
 * HEAD works wherever GET does; other methods get 405, other paths 404.
 */
public final class MetricsServer implements AutoCloseable {

    /** The Prometheus text exposition format, version 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String PLAIN_TEXT = "text/plain; charset=utf-8";
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final GatewayMetrics metrics;
    private final BooleanSupplier listenerRunning;
    private final BooleanSupplier internalServerReachable;

    private MetricsServer(HttpServer server, ExecutorService executor, GatewayMetrics metrics,
                          BooleanSupplier listenerRunning, BooleanSupplier internalServerReachable) {
        this.server = server;
        this.executor = executor;
        this.metrics = metrics;
        this.listenerRunning = listenerRunning;
        this.internalServerReachable = internalServerReachable;
    }

    /**
     * Binds {@code listen} (port 0: any free port, see {@link #address()}) and starts serving.
     *
     * @param listenerRunning         whether the SMTP listener accepts connections
     * @param internalServerReachable whether the internal server answers
     *                                ({@code relay.Downstream#isReachable()})
     * @throws IOException when the address cannot be bound
     */
    public static MetricsServer start(HostPort listen, GatewayMetrics metrics,
                                      BooleanSupplier listenerRunning,
                                      BooleanSupplier internalServerReachable) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(listen.toSocketAddress(), 0);
        } catch (IOException e) {
            // the operator needs the key and the address, not just "Address already in use"
            throw new IOException("metrics.listen: cannot listen on " + listen + ": " + e.getMessage(), e);
        }
        // One virtual thread per scrape: a slow health probe never holds up /metrics.
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        MetricsServer endpoint = new MetricsServer(server, executor, metrics, listenerRunning, internalServerReachable);
        server.createContext("/", endpoint::handle);
        server.setExecutor(executor);
        server.start();
        return endpoint;
    }

    /** The bound address (with the real port when started on port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean known = path.equals("/metrics") || path.equals("/health");
            if (!known) {
                respond(exchange, 404, PLAIN_TEXT, "not found\n");
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, PLAIN_TEXT, "method not allowed\n");
                return;
            }
            if (path.equals("/metrics")) {
                respond(exchange, 200, PROMETHEUS_TEXT, metrics.scrape());
            } else {
                String problem = healthProblem();
                if (problem == null) {
                    respond(exchange, 200, PLAIN_TEXT, "ok\n");
                } else {
                    respond(exchange, 503, PLAIN_TEXT, problem + "\n");
                }
            }
        } catch (RuntimeException e) {
            log.warn("metrics endpoint failed on {}", exchange.getRequestURI(), e);
        }
    }

    /** {@code null} when healthy, else what is wrong, for the 503 body. */
    private String healthProblem() {
        if (!ask(listenerRunning)) {
            return "unavailable: SMTP listener not running";
        }
        if (!ask(internalServerReachable)) {
            return "unavailable: internal server not reachable";
        }
        return null;
    }

    private static boolean ask(BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            return false; // a check that cannot answer is a failed check
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Stops serving at once (scrapes in flight are cut off) and frees the port. */
    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
