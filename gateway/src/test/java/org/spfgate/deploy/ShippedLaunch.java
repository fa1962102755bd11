package org.spfgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;
import org.spfgate.testhost.FreePort;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.wiser.Wiser;

/**
 * Starting spfgate the way the shipped files do ({@code bin/spfgate}, the Dockerfile's
 * ENTRYPOINT, the systemd unit's ExecStart) on a machine like a fresh Debian 12: the
 * distribution's Java 17 first on {@code PATH}, no {@code JAVA_HOME}, a Java >= 21 only under
 * {@code /usr/lib/jvm}.
 */
final class ShippedLaunch {

    /** Surefire and failsafe run in the module directory, {@code gateway/}. */
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path LAUNCHER = REPO.resolve("bin/spfgate");
    /** Debian 12's default Java, which cannot run spfgate (class files for 21). */
    static final Path DEBIAN_JAVA_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");

    private ShippedLaunch() {
    }

    /** The built jar (failsafe passes its path). */
    static Path jar() {
        Path jar = Path.of(System.getProperty("spfgate.jar", REPO.resolve("gateway/target/spfgate.jar").toString()));
        assertTrue(Files.isRegularFile(jar), "the build made " + jar);
        return jar;
    }

    /** A fresh machine's environment: Java 17 (where installed) first on PATH, no JAVA_HOME. */
    static void freshMachine(Map<String, String> environment) {
        environment.remove("JAVA_HOME");
        environment.remove("SPFGATE_JAR");
        environment.remove("SPFGATE_JAVA_OPTS");
        String path = "/usr/local/bin:/usr/bin:/bin";
        if (Files.isExecutable(DEBIAN_JAVA_17.resolve("bin/java"))) {
            path = DEBIAN_JAVA_17.resolve("bin") + ":" + path;
        }
        environment.put("PATH", path);
    }

    /** Runs a command to its end (60 s at most) and returns its exit status and combined output. */
    static Result run(ProcessBuilder builder) throws IOException, InterruptedException {
        Process p = builder.redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished: " + builder.command());
        return new Result(p.exitValue(), output);
    }

    record Result(int status, String output) {
    }

    /** The config text with each {@code from} replaced by its {@code to}; each must occur exactly once. */
    static String withReplaced(String yaml, Map<String, String> replacements) {
        for (Map.Entry<String, String> r : replacements.entrySet()) {
            int at = yaml.indexOf(r.getKey());
            assertTrue(at >= 0 && yaml.indexOf(r.getKey(), at + 1) < 0, "exactly one '" + r.getKey() + "' in the config");
            yaml = yaml.substring(0, at) + r.getValue() + yaml.substring(at + r.getKey().length());
        }
        return yaml;
    }

    /** Waits until {@code GET /health} answers 200 ok; fails early if the process exits. */
    static void awaitHealthy(int metricsPort, Process gateway, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI health = URI.create("http://127.0.0.1:" + metricsPort + "/health");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (!gateway.isAlive()) {
                throw new AssertionError("exited with " + gateway.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(health).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    assertEquals("ok\n", response.body());
                    return;
                }
            } catch (IOException notYetListening) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not healthy within 30 s:\n" + Files.readString(log));
    }

    /** The SMTP greeting on {@code port}. */
    static String banner(int port) throws IOException {
        try (Socket smtp = new Socket(InetAddress.getLoopbackAddress(), port)) {
            smtp.setSoTimeout(10_000);
            return new BufferedReader(new InputStreamReader(smtp.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    /** The JVM's command line: what the launcher exec'd, read from {@code /proc}. */
    static List<String> commandLine(Process process) throws IOException {
        return List.of(Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).split("\0"));
    }

    /**
     * What a started gateway talks to, on loopback: an empty test DNS zone, a Wiser as the internal
     * server, and the two free ports the gateway will listen on.
     */
    record Peers(TestDnsServer dns, Wiser internal, int smtpPort, int metricsPort) implements AutoCloseable {

        static Peers start() throws IOException {
            TestDnsServer dns = TestDnsServer.start(new TestZone());
            Wiser internal = Wiser.create(SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress())
                    .hostName("internal.test").insertReceivedHeaders(false).maxMessageSize(10_000_000));
            internal.start();
            return new Peers(dns, internal, FreePort.onLoopback(), FreePort.onLoopback());
        }

        int internalPort() {
            return internal.getServer().getPortAllocated();
        }

        /**
         * config/exchange-relay.yaml (the README's production example, the file the unit's
         * header installs) written into {@code dir} with its addresses moved to these peers.
         */
        Path exchangeRelayConfig(Path dir) throws IOException {
            Path config = dir.resolve("exchange-relay.yaml");
            Files.writeString(config, withReplaced(Files.readString(REPO.resolve("config/exchange-relay.yaml")), Map.of(
                    "listen: [\"[::]:25\"]", "listen: [\"127.0.0.1:" + smtpPort + "\"]",
                    "host: exchange.corp.example.org", "host: 127.0.0.1",
                    "  port: 25", "  port: " + internalPort(),
                    "servers: [\"10.0.0.53\", \"10.0.0.54\"]", "servers: [\"127.0.0.1:" + dns.port() + "\"]",
                    "listen: 127.0.0.1:9025", "listen: 127.0.0.1:" + metricsPort)));
            return config;
        }

        @Override
        public void close() {
            internal.stop();
            dns.close();
        }
    }
}
