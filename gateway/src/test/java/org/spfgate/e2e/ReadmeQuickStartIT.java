package org.spfgate.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;

/**
 * What a newcomer does first, exactly as the README says: start the built jar with the README's
 * {@code bin/spfgate} and no config file (built-in defaults), send the README's swaks command, and
 * find the message in {@code var/delivered/} with our headers. The liberties taken: the launcher
 * runs in a temporary directory (where {@code var/delivered/} appears) with the environment of a
 * fresh machine whose default Java is 17, and the JVM's system resolver is pointed at the test
 * DNS server on loopback ({@code SPFGATE_JAVA_OPTS=-Ddns.server=...}, read by dnsjava), so no
 * query leaves the machine.
 */
class ReadmeQuickStartIT {

    @TempDir
    Path workDir;

    @Test
    void theReadmesRunAndSendCommandsDeliverAStampedMessageIntoVarDelivered() throws Exception {
        ThirdPartyTools.require("/usr/bin/swaks");
        String send = readmeLine("swaks ");
        String start = readmeLine("bin/spfgate");
        assertEquals("bin/spfgate", start, "the quick start runs the launcher with no arguments");
        Path repo = Path.of(System.getProperty("spfgate.readme")).getParent();
        Path jar = Path.of(System.getProperty("spfgate.jar"));
        assertTrue(Files.isRegularFile(jar), "the build made " + jar);

        try (TestDnsServer dns = TestDnsServer.start(new TestZone()
                .txt("sender.test", "v=spf1 ip4:127.0.0.1 -all")
                .a("mail.sender.test", "127.0.0.1"))) {
            Path log = workDir.resolve("gateway.log");
            ProcessBuilder launcher = new ProcessBuilder(repo.resolve(start).toString())
                    .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            launcher.environment().remove("JAVA_HOME");
            launcher.environment().put("PATH", "/usr/lib/jvm/java-17-openjdk-amd64/bin:/usr/bin:/bin");
            launcher.environment().put("SPFGATE_JAR", jar.toString());
            launcher.environment().put("SPFGATE_JAVA_OPTS", "-Ddns.server=127.0.0.1:" + dns.port());
            Process gateway = launcher.start();
            try {
                awaitListening(new InetSocketAddress("127.0.0.1", 2525), Duration.ofSeconds(30), log);
                Process client = new ProcessBuilder("sh", "-c", send).directory(workDir.toFile())
                        .redirectErrorStream(true).start();
                String dialog = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(client.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, client.exitValue(), "the README's swaks command succeeds:\n" + dialog);

                Path delivered = workDir.resolve("var/delivered");
                List<Path> files;
                try (Stream<Path> s = Files.list(delivered)) {
                    files = s.filter(p -> p.toString().endsWith(".eml")).toList();
                }
                assertEquals(1, files.size(), "one .eml file in var/delivered");
                String mail = Files.readString(files.get(0), StandardCharsets.UTF_8).replaceAll("\r\n([ \t])", " ");
                assertTrue(mail.contains("\r\nAuthentication-Results: ") && mail.contains("spf=pass smtp.mailfrom=alice@sender.test"),
                        "stamped with Authentication-Results:\n" + mail);
                assertTrue(mail.contains("\r\nReceived-SPF: pass "), "stamped with Received-SPF:\n" + mail);
                assertTrue(mail.contains("(spfgate) with ESMTP id "), "our Received header:\n" + mail);
            } finally {
                gateway.destroy(); // SIGTERM: the graceful path
                assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "the gateway stops on SIGTERM");
            }
        }
    }

    /** The first line of the README that starts with {@code prefix} (inside a code block). */
    private static String readmeLine(String prefix) throws IOException {
        Path readme = Path.of(System.getProperty("spfgate.readme"));
        return Files.readAllLines(readme).stream().map(String::strip).filter(l -> l.startsWith(prefix))
                .findFirst().orElseThrow(() -> new AssertionError("README has no line starting with " + prefix));
    }

    private static void awaitListening(InetSocketAddress address, Duration timeout, Path log)
            throws IOException, InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            try (Socket s = new Socket()) {
                s.connect(address, 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the gateway did not listen on " + address + ":\n" + Files.readString(log));
    }
}
