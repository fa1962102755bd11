package org.spfgate.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The gateway under test: the built jar in its own JVM ({@code bin/spfgate run --config FILE},
 * exactly as the README, the Dockerfile and the systemd unit start it), so that its resident
 * memory is its own. Its configuration is written here: one loopback listener, the sink as {@code relay}, the
 * test DNS server as the only DNS server, the decision log on standard output (a file here).
 */
final class GatewayProcess implements AutoCloseable {

    /** Where the recipients live; the load's RCPT TO domain. */
    static final String DOMAIN = "example.org";

    private final Process process;
    private final int smtpPort;
    private final int metricsPort;
    private final Path output;

    private GatewayProcess(Process process, int smtpPort, int metricsPort, Path output) {
        this.process = process;
        this.smtpPort = smtpPort;
        this.metricsPort = metricsPort;
        this.output = output;
    }

    /**
     * Starts the jar and returns once it accepts SMTP connections.
     *
     * @param jvmOptions     JVM options for a plain {@code java -jar}; {@code null}: started by
     *                       {@code bin/spfgate} with the options it ships
     * @param maxConnections {@code max_connections}, {@code max_connections_per_ip} and
     *                       {@code max_transactions_per_ip}: every client here is 127.0.0.1, and the
     *                       idle phase holds 10,000 sessions
     */
    static GatewayProcess start(Path jar, List<String> jvmOptions, Path workDir, int sinkPort, int dnsPort,
            int maxConnections) throws IOException {
        return start(jar, jvmOptions, workDir, sinkPort, dnsPort, maxConnections, "{}", "2s");
    }

    /**
     * @param relayTimeouts {@code relay.timeouts} as a YAML flow mapping ({@code "{}"}: the defaults)
     * @param dnsQueryTimeout {@code dns.query_timeout}
     */
    static GatewayProcess start(Path jar, List<String> jvmOptions, Path workDir, int sinkPort, int dnsPort,
            int maxConnections, String relayTimeouts, String dnsQueryTimeout) throws IOException {
        int smtpPort = LoopbackPort.free();
        int metricsPort = LoopbackPort.free();
        Path config = workDir.resolve("spfgate-bench.yaml");
        Files.writeString(config, """
                server:
                  hostname: mx.bench.example
                  listen: ["127.0.0.1:%d"]
                  max_connections: %d
                  max_connections_per_ip: %d
                  max_transactions_per_ip: %d
                domains: [%s]
                relay:
                  host: 127.0.0.1
                  port: %d
                  tls: none
                  verify_recipients: true
                  connections: 50
                  timeouts: %s
                dns:
                  servers: ["127.0.0.1:%d"]
                  query_timeout: %s
                spf:
                  dkim_rescue: %s
                metrics:
                  listen: 127.0.0.1:%d
                log:
                  file: null
                  format: text
                """.formatted(smtpPort, maxConnections, maxConnections, maxConnections, DOMAIN, sinkPort, relayTimeouts, dnsPort,
                        dnsQueryTimeout, SenderZone.DKIM_RESCUE ? "[fail]" : "[]", metricsPort));
        Path output = workDir.resolve("gateway.out");
        List<String> command = new ArrayList<>();
        if (jvmOptions == null) {
            // the launcher operators run, on this JVM's Java; it execs the JVM, which keeps its pid
            command.add(launcher().toString());
        } else {
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", jar.toString()));
        }
        command.addAll(List.of("run", "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("SPFGATE_JAR", jar.toAbsolutePath().toString());
        Process process = builder.start();
        GatewayProcess gateway = new GatewayProcess(process, smtpPort, metricsPort, output);
        try {
            LoopbackPort.awaitListening(smtpPort, Duration.ofSeconds(60), process, "the gateway (see " + output + ")");
        } catch (IOException e) {
            gateway.close();
            throw e;
        }
        return gateway;
    }

    private static Path launcher() {
        for (Path p : List.of(Path.of("bin/spfgate"), Path.of("../bin/spfgate"))) {
            if (Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException("bin/spfgate not found: run from the repository root");
    }

    /** The gateway JVM's command line, read from {@code /proc}: the JVM options it really runs with. */
    String commandLine() throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ').strip();
    }

    int smtpPort() {
        return smtpPort;
    }

    ProcStatus status() {
        return new ProcStatus(process.pid());
    }

    long pid() {
        return process.pid();
    }

    /** A counter or gauge scraped from the gateway's own metrics endpoint (summed over its label sets). */
    double metric(String name) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        }
    }

    /** {@code spfgate_sessions_active} scraped from the gateway's own metrics endpoint. */
    long sessionsActive() throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return text.lines().filter(l -> l.startsWith("spfgate_sessions_active"))
                    .map(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .findFirst().orElseThrow(() -> new IOException("no spfgate_sessions_active in /metrics"));
        }
    }

    /** Decision-log lines (one per transaction) that contain every one of {@code fragments}. */
    long logLinesWith(String... fragments) {
        try (Stream<String> lines = Files.lines(output)) {
            return lines.filter(l -> l.contains(" spfgate: ")).filter(l -> {
                for (String f : fragments) {
                    if (!l.contains(f)) {
                        return false;
                    }
                }
                return true;
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last decision-log line, to show when something went wrong. */
    String lastLogLine() {
        try (Stream<String> lines = Files.lines(output)) {
            return lines.filter(l -> l.contains(" spfgate: ")).reduce((a, b) -> b).orElse("(none)");
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    Path output() {
        return output;
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * SIGTERM (the gateway's graceful shutdown, which also flushes its log), then SIGKILL if it
     * is still there after 20 s. Idempotent.
     */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
