package org.spfgate.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;
import org.spfgate.testhost.FreePort;
import org.spfgate.testhost.LogFile;
import org.spfgate.testhost.ThirdPartyTools;

/**
 * What a newcomer does first, exactly as the README says: start the built jar with the README's
 * {@code bin/spfgate}, on a machine whose default Java is 17 (no JAVA_HOME), from a checkout
 * (where {@code run} reads the repository's {@code config/spfgate.yaml}, the built-in defaults
 * spelled out, as {@code ExampleConfigFilesTest} checks), send the README's swaks command, and
 * find the message in {@code var/delivered/} with our headers. The liberties taken: the two
 * addresses in that file, SMTP and metrics, are free loopback ports rather than 2525 and 9025
 * (which a gateway left running from the quick start, or another test run, may hold), and the
 * JVM's system resolver is pointed at the test DNS server on loopback
 * ({@code SPFGATE_JAVA_OPTS=-Ddns.server=...}, read by dnsjava), so no query leaves the machine.
 */
class ReadmeQuickStartIT {

    @TempDir
    Path workDir;

    @Test
    void theReadmesRunAndSendCommandsDeliverAStampedMessageIntoVarDelivered() throws Exception {
        ThirdPartyTools.require("/usr/bin/swaks");
        Path readme = Path.of(System.getProperty("spfgate.readme"));
        String send = readmeLine(readme, "swaks ");
        // the first command builds, then starts the launcher with no arguments (the jar is built here already)
        String build = readmeLine(readme, "bin/with-jdk21 mvn -q -B -ntp package");
        String start = build.substring(build.indexOf("&&") + 2).strip();
        assertEquals("bin/spfgate", start, "the quick start runs the launcher with no arguments");
        Path jar = Path.of(System.getProperty("spfgate.jar"));
        assertTrue(Files.isRegularFile(jar), "the build made " + jar);
        int smtpPort = FreePort.onLoopback();
        int metricsPort = FreePort.onLoopback();
        String config = Files.readString(readme.resolveSibling("config").resolve("spfgate.yaml"));
        config = replaceOnce(config, "listen: [\"127.0.0.1:2525\"]", "listen: [\"127.0.0.1:" + smtpPort + "\"]");
        config = replaceOnce(config, "listen: 127.0.0.1:9025", "listen: 127.0.0.1:" + metricsPort);
        Files.createDirectories(workDir.resolve("config"));
        Files.writeString(workDir.resolve("config/spfgate.yaml"), config);
        send = replaceOnce(send, "--server 127.0.0.1:2525 ", "--server 127.0.0.1:" + smtpPort + " ");

        try (TestDnsServer dns = TestDnsServer.start(new TestZone()
                .txt("sender.test", "v=spf1 ip4:127.0.0.1 -all")
                .a("mail.sender.test", "127.0.0.1"))) {
            LogFile log = new LogFile(workDir.resolve("gateway.log"));
            ProcessBuilder launcher = new ProcessBuilder(readme.resolveSibling(start).toString())
                    .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.path().toFile());
            launcher.environment().remove("JAVA_HOME");
            launcher.environment().put("PATH", "/usr/lib/jvm/java-17-openjdk-amd64/bin:/usr/bin:/bin");
            launcher.environment().put("SPFGATE_JAR", jar.toString());
            launcher.environment().put("SPFGATE_JAVA_OPTS", "-Ddns.server=127.0.0.1:" + dns.port());
            Process gateway = launcher.start();
            try {
                log.awaitLine(l -> l.contains("spfgate listening on") && l.contains(":" + smtpPort),
                        Duration.ofSeconds(30), gateway::isAlive);
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
            assertTrue(log.text().startsWith("spfgate: configuration: config/spfgate.yaml"),
                    "the gateway read the checkout's config file:\n" + log.text());
        }
    }

    private static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        assertTrue(at >= 0 && text.indexOf(from, at + 1) < 0, "exactly one '" + from + "' in:\n" + text);
        return text.substring(0, at) + to + text.substring(at + from.length());
    }

    /** The first line of the README that starts with {@code prefix} (inside a code block). */
    private static String readmeLine(Path readme, String prefix) throws IOException {
        return Files.readAllLines(readme).stream().map(String::strip).filter(l -> l.startsWith(prefix))
                .findFirst().orElseThrow(() -> new AssertionError("README has no line starting with " + prefix));
    }
}
