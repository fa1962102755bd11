package org.spfgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;
import org.spfgate.testhost.FreePort;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.wiser.Wiser;

/**
 * The container's command, run directly: the Dockerfile's ENTRYPOINT arguments with the jar's
 * main class, on the container's own config with only its addresses moved to loopback (port 25,
 * the postfix service and Docker's DNS do not exist here). It must start, greet, report healthy,
 * and stop cleanly on SIGTERM as {@code docker stop} sends it.
 */
class EntrypointCommandTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theContainerCommandStartsOnTheContainerConfigAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        Dockerfile docker = Dockerfile.read(REPO.resolve("docker/Dockerfile"));
        List<String> entrypoint = Arrays.stream(docker.inStage(docker.lastStage(), "ENTRYPOINT").get(0).arguments()
                .replaceAll("[\\[\\]\"]", "").split(",\\s*")).toList();
        int jar = entrypoint.indexOf("-jar");
        assertEquals("java", entrypoint.get(0));
        List<String> jvmOptions = entrypoint.subList(1, jar);
        assertTrue(jvmOptions.stream().allMatch(o -> o.startsWith("-X")), "JVM options only: " + jvmOptions);
        assertEquals(List.of("-jar", "/opt/spfgate/spfgate.jar"), entrypoint.subList(jar, jar + 2));
        List<String> arguments = entrypoint.subList(jar + 2, entrypoint.size());
        assertEquals(List.of("run", "--config", "/etc/spfgate/spfgate.yaml"), arguments);
        Matcher mainClass = Pattern.compile("<mainClass>([^<]+)</mainClass>")
                .matcher(Files.readString(REPO.resolve("gateway/pom.xml")));
        assertTrue(mainClass.find(), "the jar's Main-Class is set in gateway/pom.xml");

        try (TestDnsServer dns = TestDnsServer.start(new TestZone())) {
            Wiser internal = Wiser.create(SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress())
                    .hostName("internal.test").insertReceivedHeaders(false).maxMessageSize(10_000_000));
            internal.start();
            try {
                int smtpPort = FreePort.onLoopback();
                int metricsPort = FreePort.onLoopback();
                String yaml = Files.readString(REPO.resolve("docker/spfgate.yaml"));
                yaml = replaceOnce(yaml, "listen: [\"[::]:25\"]", "listen: [\"127.0.0.1:" + smtpPort + "\"]");
                yaml = replaceOnce(yaml, "host: postfix", "host: 127.0.0.1");
                yaml = replaceOnce(yaml, "port: 25", "port: " + internal.getServer().getPortAllocated());
                yaml = replaceOnce(yaml, "servers: []", "servers: [\"127.0.0.1:" + dns.port() + "\"]");
                yaml = replaceOnce(yaml, "listen: 0.0.0.0:9025", "listen: 127.0.0.1:" + metricsPort);
                Path config = dir.resolve("spfgate.yaml");
                Files.writeString(config, yaml);

                // the image's JVM options too: they must be valid on the JDK we ship
                List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
                command.addAll(jvmOptions);
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.group(1)));
                command.addAll(List.of(arguments.get(0), arguments.get(1), config.toString()));
                Path stderr = dir.resolve("stderr.txt");
                Process gateway = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectError(stderr.toFile()).redirectOutput(dir.resolve("stdout.txt").toFile()).start();
                try {
                    awaitHealthy(metricsPort, gateway, stderr);
                    try (Socket smtp = new Socket(InetAddress.getLoopbackAddress(), smtpPort)) {
                        smtp.setSoTimeout(10_000);
                        String banner = new BufferedReader(new InputStreamReader(smtp.getInputStream(),
                                StandardCharsets.US_ASCII)).readLine();
                        assertTrue(banner.startsWith("220 mx.example.test "), banner);
                    }
                    gateway.destroy(); // SIGTERM, as docker stop and systemctl stop send it
                    assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s of SIGTERM");
                    String log = Files.readString(stderr);
                    assertTrue(log.contains("spfgate stopped"), log);
                } finally {
                    gateway.destroyForcibly();
                }
            } finally {
                internal.stop();
            }
        }
    }

    private static void awaitHealthy(int metricsPort, Process gateway, Path stderr) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI health = URI.create("http://127.0.0.1:" + metricsPort + "/health");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (!gateway.isAlive()) {
                throw new AssertionError("exited with " + gateway.exitValue() + ":\n" + Files.readString(stderr));
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(health).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    assertEquals("ok\n", response.body());
                    return;
                }
            } catch (java.io.IOException notYetListening) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not healthy within 30 s:\n" + Files.readString(stderr));
    }

    private static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        assertTrue(at >= 0 && text.indexOf(from, at + 1) < 0, "docker/spfgate.yaml has exactly one '" + from + "'");
        return text.substring(0, at) + to + text.substring(at + from.length());
    }
}
