package org.spfgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;
import org.spfgate.testhost.FreePort;

/**
 * {@code Main} as a process, the way an operator runs it: {@code run --config FILE} starts the
 * real gateway (SMTP on loopback, SPF over the loopback test DNS server, delivery into a
 * directory), SIGTERM stops it gracefully; a bad config is refused with exit 78.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a gateway that never starts must not hang the build
class MainProcessTest {

    private static TestDnsServer dns;

    @BeforeAll
    static void startDns() {
        dns = TestDnsServer.start(new TestZone().txt("sender.test", "v=spf1 ip4:127.0.0.1 -all"));
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    @Test
    void runStartsTheGatewayWhichRelaysAMessageAndStopsGracefullyOnSigterm(@TempDir Path dir) throws Exception {
        int smtpPort = FreePort.onLoopback();
        Path delivered = dir.resolve("delivered");
        Path config = dir.resolve("spfgate.yaml");
        Files.writeString(config, """
                server: { hostname: mx.main.test, listen: ["127.0.0.1:%d"] }
                domains: [ours.test]
                deliver_to_directory: "%s"
                dns: { servers: ["127.0.0.1:%d"] }
                metrics: { listen: null }
                """.formatted(smtpPort, delivered, dns.port()));
        Process gateway = spfgate("run", "--config", config.toString());
        try {
            List<String> output = new ArrayList<>();
            BufferedReader lines = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = lines.readLine()) != null && !line.contains("spfgate listening on"); ) {
                output.add(line);
            }
            assertEquals("spfgate: configuration: " + config, output.get(0));

            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), smtpPort)) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                assertEquals("220 mx.main.test ESMTP spfgate", in.readLine());
                send(out, "HELO client.sender.test");
                assertEquals("250 mx.main.test", in.readLine());
                send(out, "MAIL FROM:<alice@sender.test>");
                assertEquals("250 2.1.0 Sender OK", in.readLine());
                send(out, "RCPT TO:<bob@ours.test>");
                assertTrue(in.readLine().startsWith("250 "));
                send(out, "DATA");
                assertTrue(in.readLine().startsWith("354 "));
                send(out, "Subject: hello\r\n\r\nhi\r\n.");
                assertTrue(in.readLine().startsWith("250 "));
                send(out, "QUIT");
                assertTrue(in.readLine().startsWith("221 "));
            }
            try (Stream<Path> files = Files.list(delivered)) {
                List<Path> eml = files.toList();
                assertEquals(1, eml.size());
                String message = Files.readString(eml.get(0));
                String unfolded = message.replace("\r\n ", " ");
                assertTrue(unfolded.contains("\r\nReceived-SPF: pass (mx.main.test: domain of alice@sender.test designates"
                        + " 127.0.0.1 as permitted sender)"), message);
                assertTrue(message.endsWith("Subject: hello\r\n\r\nhi\r\n"), message);
            }

            // SIGTERM; through the handle, as Process.destroy() would also close the output pipe.
            assertTrue(gateway.toHandle().destroy());
            assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "stopped within the shutdown deadline");
            String rest = String.join("\n", lines.lines().toList());
            assertTrue(rest.contains("spfgate stopped"), rest);
            assertEquals(0, gateway.exitValue(), "a clean stop after SIGTERM and the graceful shutdown is a success");
        } finally {
            gateway.destroyForcibly();
        }
    }

    @Test
    void aBadConfigIsRefusedWithExit78BeforeAnythingListens(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "server:\n  max_message_size: lots\n");
        Process gateway = spfgate("run", "--config", config.toString());
        assertTrue(gateway.waitFor(30, TimeUnit.SECONDS));
        String output = new String(gateway.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(List.of(
                "spfgate: not starting: " + config + " has 1 error:",
                config + ": line 2, column 21: server.max_message_size: not a size: \"lots\" (use bytes, or a number and a"
                        + " unit: 25MB (10^6 bytes), 25MiB (2^20 bytes), KB, KiB, GB, GiB)"), output.lines().toList());
        assertEquals(78, gateway.exitValue());
    }

    /** {@code java org.spfgate.Main ARGS} with this test's class path, stdout and stderr merged. */
    private static Process spfgate(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
