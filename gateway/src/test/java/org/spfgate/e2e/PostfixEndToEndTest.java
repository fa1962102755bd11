package org.spfgate.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.config.ConfigLoader;
import org.spfgate.Gateway;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;
import org.spfgate.testhost.FreePort;
import org.spfgate.testhost.LogFile;
import org.spfgate.testhost.ThirdPartyTools;

/**
 * The whole path with third-party programs at both ends, as an administrator would run it:
 * swaks (a real SMTP client) → spfgate → Postfix (Debian's package, a private instance on a
 * loopback port) → Maildir; SPF answered by the wire-protocol test DNS server. A DKIM signature
 * made and checked by Debian's python3-dkim proves that the bytes arrived unchanged.
 *
 * <p>Postfix, swaks and python3-dkim are installed by {@code .ci/run}; under CI their absence is
 * a failure, on a developer machine the test is skipped with a message. Postfix runs from a
 * directory of this test's own: the machine's {@code /etc/postfix} is only read.
 */
class PostfixEndToEndTest {

    private static final String PYTHON = "/usr/bin/python3";

    private static PostfixInternalServer postfix;
    private static TestDnsServer dns;
    private static Gateway gateway;
    private static LogFile decisions;

    @TempDir
    static Path work;

    @BeforeAll
    static void startEverything() throws Exception {
        ThirdPartyTools.require(PostfixInternalServer.programs());
        ThirdPartyTools.require("/usr/bin/swaks", "/usr/bin/dknewkey", PYTHON);
        postfix = PostfixInternalServer.startWithSettings(work, "ours.test", theShippedInternalServerSettings());
        decisions = new LogFile(work.resolve("decisions.log"));
        dns = TestDnsServer.start(new TestZone()
                .txt("sender.test", "v=spf1 ip4:127.0.0.1 -all")
                .txt("softfail.test", "v=spf1 ip4:192.0.2.0/24 ~all")
                .txt("forged.test", "v=spf1 ip4:192.0.2.0/24 -all")
                .a("mail.sender.test", "127.0.0.1"));
        int smtpPort = FreePort.onLoopback();
        gateway = Gateway.start(ConfigLoader.parse("""
                server:
                  hostname: mx.ours.test
                  listen: ["127.0.0.1:%d"]
                domains: [ours.test]
                relay:
                  host: 127.0.0.1
                  port: %d
                  tls: none
                  timeouts: { connect: 5s, command: 30s, data: 60s }
                dns:
                  servers: ["127.0.0.1:%d"]
                  query_timeout: 1s
                metrics:
                  listen: null
                log:
                  file: "%s"
                """.formatted(smtpPort, postfix.port(), dns.port(), decisions.path()), "postfix end-to-end test"));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (dns != null) {
            dns.close();
        }
        if (postfix != null) {
            postfix.close();
        }
    }

    @Test
    void aDkimSignedMessageSentWithSwaksReachesPostfixsMaildirWithOurHeadersAndAValidSignature() throws Exception {
        Path key = work.resolve("sel");
        run(List.of("/usr/bin/dknewkey", key.toString()), null);
        // Unusual folding, a tab-indented continuation, a header with no space after the colon,
        // an 8-bit UTF-8 body and a line starting with a dot: all must survive byte for byte.
        byte[] original = String.join("\r\n",
                "From: Alice <alice@sender.test>",
                "To: bob@ours.test",
                "Subject: quarterly\r\n\tfigures,\r\n   folded  oddly",
                "Date: Mon, 23 Nov 2026 10:00:00 +0000",
                "Message-ID: <e2e-1@sender.test>",
                "X-Odd:no-space",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: 8bit",
                "",
                "Grüße aus Köln — ünïcödé body.",
                ".a line that starts with a dot",
                "trailing spaces   ",
                "").getBytes(StandardCharsets.UTF_8);
        Path tool = toolScript();
        byte[] signed = run(List.of(PYTHON, tool.toString(), "sign", key + ".key", "sel", "sender.test"), original);
        Path message = work.resolve("signed.eml");
        Files.write(message, signed);

        InetSocketAddress smtp = gateway.smtpAddresses().get(0);
        String swaks = new String(run(List.of("/usr/bin/swaks", "--server", "127.0.0.1:" + smtp.getPort(),
                "--helo", "mail.sender.test", "--from", "alice@sender.test", "--to", "bob@ours.test",
                "--data", "@" + message), null), StandardCharsets.UTF_8);
        assertTrue(swaks.contains("<-  250 2.0.0 Ok: queued as"), "Postfix's own 250 reaches the client:\n" + swaks);

        List<Path> delivered = postfix.awaitDelivered(1, Duration.ofSeconds(30));
        assertEquals(1, delivered.size(), () -> "one message in the Maildir; Postfix log:\n" + postfix.log());
        // Maildir files use LF line endings: compare in that form.
        String mail = Files.readString(delivered.get(0), StandardCharsets.UTF_8);
        // swaks ends DATA with CRLF "." CRLF after the file's own final CRLF, so the message it
        // sends ends with one empty line more than the file: that is the client's byte stream.
        String sent = (new String(signed, StandardCharsets.UTF_8) + "\r\n").replace("\r\n", "\n");
        int at = mail.indexOf(sent.substring(0, 40));
        assertTrue(at > 0, "the client's message is in the delivered file:\n" + mail);
        assertEquals(sent, mail.substring(at), "the client's bytes follow the prepended headers unchanged");

        String prepended = mail.substring(0, at).replaceAll("\n([ \t])", "$1"); // unfolded (RFC 5322 2.2.3)
        int ar = prepended.indexOf("Authentication-Results: mx.ours.test; spf=pass smtp.mailfrom=alice@sender.test");
        int spf = prepended.indexOf("Received-SPF: pass (mx.ours.test: domain of alice@sender.test designates 127.0.0.1 as permitted sender)");
        int received = prepended.indexOf("by mx.ours.test (spfgate)");
        assertTrue(ar >= 0 && spf > ar && received > spf,
                "our three headers, in the order of docs/contract.md §5, below Postfix's own:\n" + prepended);

        byte[] asOnTheWire = mail.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        String verdict = new String(run(List.of(PYTHON, tool.toString(), "verify", key + ".dns"), asOnTheWire),
                StandardCharsets.UTF_8).trim();
        assertEquals("pass", verdict, "python3-dkim verifies the delivered message");
    }

    @Test
    void aForgedSenderIsRefusedInTheSessionAndPostfixNeverSeesIt() throws Exception {
        int before = postfix.delivered().size();
        InetSocketAddress smtp = gateway.smtpAddresses().get(0);
        Process p = new ProcessBuilder("/usr/bin/swaks", "--server", "127.0.0.1:" + smtp.getPort(),
                "--helo", "mail.sender.test", "--from", "ceo@forged.test", "--to", "bob@ours.test")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(out.contains("<** 550 5.7.23 "), "SPF fail refused at RCPT:\n" + out);
        // The decision-log line is written once the gateway is done with the transaction: no
        // DATA went to Postfix, so nothing can arrive in its Maildir after it.
        decisions.awaitLine(l -> l.contains("from=<ceo@forged.test>") && l.contains("status=rejected"),
                Duration.ofSeconds(10));
        assertEquals(before, postfix.delivered().size(), "nothing delivered, nothing bounced");
    }

    @Test
    void postfixActsOnASoftfailTheGatewayStampedAndLeavesAPassAlone() throws Exception {
        int before = postfix.delivered().size();
        InetSocketAddress smtp = gateway.smtpAddresses().get(0);
        for (String from : List.of("carol@softfail.test", "alice@sender.test")) {
            String out = new String(run(List.of("/usr/bin/swaks", "--server", "127.0.0.1:" + smtp.getPort(),
                    "--helo", "mail.sender.test", "--from", from, "--to", "bob@ours.test",
                    "--header", "Subject: from " + from), null), StandardCharsets.UTF_8);
            assertTrue(out.contains("<-  250 2.0.0 Ok: queued as"), "accepted (softfail's action is accept):\n" + out);
        }
        List<Path> delivered = postfix.awaitDelivered(before + 2, Duration.ofSeconds(30));
        assertEquals(before + 2, delivered.size(), () -> "both delivered; Postfix log:\n" + postfix.log());
        String softfail = null;
        String pass = null;
        for (Path file : delivered) {
            String mail = Files.readString(file, StandardCharsets.UTF_8);
            if (mail.contains("Subject: from carol@softfail.test")) {
                softfail = mail;
            } else if (mail.contains("Subject: from alice@sender.test")) {
                pass = mail;
            }
        }
        assertTrue(softfail != null && softfail.contains("\nX-Spam-Flag: YES\n")
                && softfail.contains("\nReceived-SPF: softfail "),
                "header_checks prepended X-Spam-Flag to the softfail:\n" + softfail);
        assertTrue(pass != null && !pass.contains("X-Spam-Flag") && pass.contains("\nReceived-SPF: pass "),
                "the pass is left alone:\n" + pass);
    }

    @Test
    void theGatewaysAddressCannotRelayThroughPostfix() throws Exception {
        // straight to Postfix from the gateway's address (loopback here), for a domain it does not serve
        Process p = new ProcessBuilder("/usr/bin/swaks", "--server", "127.0.0.1:" + postfix.port(),
                "--helo", "mx.ours.test", "--from", "alice@sender.test", "--to", "someone@elsewhere.test")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(out.contains("<** 554 5.7.1 <someone@elsewhere.test>: Relay access denied"), out);
    }

    /**
     * config/postfix/ as docs/internal-server.md tells an administrator to apply it: main.cf's
     * settings, the two tables beside them; the gateways' address and host name are loopback and
     * mx.ours.test here.
     */
    private static List<String> theShippedInternalServerSettings() throws IOException {
        Path shipped = Path.of("..", "config", "postfix").toAbsolutePath().normalize();
        Files.writeString(work.resolve("spfgate_gateways"),
                replaced(Files.readString(shipped.resolve("spfgate_gateways")), "192.0.2.25/32", "127.0.0.1/32"));
        Files.writeString(work.resolve("spfgate_header_checks"),
                replaced(Files.readString(shipped.resolve("spfgate_header_checks")), "receiver=mx\\.example\\.org;",
                        "receiver=mx\\.ours\\.test;"));
        List<String> settings = new ArrayList<>();
        for (String line : Files.readAllLines(shipped.resolve("main.cf"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                settings.add(line.replace("/etc/postfix/", work + "/"));
            }
        }
        assertEquals(4, settings.size(), "main.cf's four settings: " + settings);
        return settings;
    }

    private static String replaced(String text, String from, String to) {
        assertTrue(text.contains(from), "the shipped file has " + from);
        return text.replace(from, to);
    }

    private static Path toolScript() throws IOException {
        Path tool = work.resolve("dkim_tool.py");
        try (var in = PostfixEndToEndTest.class.getResourceAsStream("/e2e/dkim_tool.py")) {
            Files.write(tool, in.readAllBytes());
        }
        return tool;
    }

    /** Runs a program, feeding {@code stdin}; returns its standard output; fails on a non-zero exit. */
    private static byte[] run(List<String> command, byte[] stdin) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectError(ProcessBuilder.Redirect.PIPE).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin);
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " hung");
        assertEquals(0, p.exitValue(), () -> command + " failed: " + err + new String(out, StandardCharsets.UTF_8));
        return out;
    }
}
