package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.spfgate.dialog.Dialogs.DATA;
import static org.spfgate.dialog.Dialogs.HELO;
import static org.spfgate.dialog.Dialogs.RCPT_TO_BOB;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.testhost.ThirdPartyTools;

/**
 * docs/contract.md §3 (bytes unchanged): the internal server receives our headers and then the client's message, byte
 * for byte (after SMTP dot-unstuffing), so a DKIM signature that verified before still verifies.
 */
class ByteExactnessTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static GatewayUnderTest gw;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayUnderTest.with(Zones.standard()).start();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    /** Unusual but legal folding, a tab continuation, trailing white space, 8-bit body, a stuffed dot line. */
    static byte[] unusualMessage() {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        write(m, "From: \"Ålice Ünïcode\" <alice@sender.test>\r\n");
        write(m, "To: bob@ours.test\r\n");
        write(m, "Subject:   folded\r\n\t  across three\r\n        lines   \r\n");
        write(m, "X-Odd:value-without-space\r\n");
        write(m, "Date: Mon, 23 Nov 2026 13:00:00 +0000\r\n");
        write(m, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n");
        write(m, "\r\n");
        m.writeBytes(new byte[] {'G', 'r', (byte) 0xfc, (byte) 0xdf, 'e', ' ', (byte) 0xe9, '\r', '\n'});
        write(m, ".a line that starts with a dot\r\n");
        write(m, "trailing spaces   \r\n\r\n\r\n");
        m.writeBytes(new byte[] {(byte) 0x80, (byte) 0xff, 0x01, '\t', '\r', '\n'});
        return m.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The message as it goes over SMTP: lines starting with a dot get one more (RFC 5321 4.5.2). */
    static byte[] dotStuffed(byte[] message) {
        String latin = new String(message, StandardCharsets.ISO_8859_1);
        String stuffed = (latin.startsWith(".") ? "." : "") + latin.replace("\r\n.", "\r\n..");
        return (stuffed + ".\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private byte[] relay(byte[] message) throws Exception {
        int before = gw.internal.deliveries().size();
        try (SmtpClient c = gw.connect()) {
            c.script(HELO + """
                    C: MAIL FROM:<alice@sender.test> BODY=8BITMIME
                    S: 250 2.1.0 Sender OK
                    """ + RCPT_TO_BOB + DATA);
            c.sendRaw(dotStuffed(message));
            c.expectLine("250 2.0.0 Ok: queued as Q...");
        }
        assertEquals(before + 1, gw.internal.deliveries().size());
        byte[] received = gw.internal.deliveries().get(before).data();
        // our header block ends where the client's first byte starts: the last of our fields is Received
        int start = received.length - message.length;
        assertArrayEquals(message, Arrays.copyOfRange(received, start, received.length),
                "the bytes after our headers must be the client's bytes");
        String ours = new String(received, 0, start, StandardCharsets.ISO_8859_1);
        assertEquals(true, ours.startsWith("Authentication-Results: ") && ours.contains("\r\nReceived: from ")
                && ours.endsWith("\r\n"), ours);
        return received;
    }

    @Test
    void messageBytesAfterOurHeadersEqualWhatTheClientSent() throws Exception {
        relay(unusualMessage());
    }

    @Test
    void dkimSignatureMadeBeforeTheGatewayStillVerifiesAfterIt(@TempDir Path dir) throws Exception {
        ThirdPartyTools.require(PYTHON.toString());
        ThirdPartyTools.require(run(dir, "import dkim", new byte[0]).exit == 0, "python3 module dkim (Debian's python3-dkim)");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Path key = dir.resolve("dkim.key");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        String publicKey = Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
        byte[] message = unusualMessage();
        // simple/simple: the strictest canonicalization, any changed byte breaks it
        Result signed = run(dir, """
                import sys, dkim
                msg = sys.stdin.buffer.read()
                sig = dkim.sign(msg, b"sel", b"sender.test", open("%s", "rb").read(),
                                canonicalize=(b"simple", b"simple"),
                                include_headers=[b"from", b"to", b"subject", b"x-odd", b"date"])
                sys.stdout.buffer.write(sig + msg)
                """.formatted(key), message);
        assertEquals(0, signed.exit, signed.text());
        byte[] received = relay(signed.out);
        Result verified = run(dir, """
                import sys, dkim
                txt = b"v=DKIM1; k=rsa; p=%s"
                ok = dkim.verify(sys.stdin.buffer.read(), dnsfunc=lambda name, timeout=5: txt)
                print("verified" if ok else "FAILED")
                """.formatted(publicKey), received);
        assertEquals("verified", verified.text().strip());
    }

    private record Result(int exit, byte[] out) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private static Result run(Path dir, String script, byte[] stdin) throws IOException, InterruptedException {
        Path file = Files.createTempFile(dir, "dkim", ".py");
        Files.writeString(file, script);
        Process p = new ProcessBuilder(PYTHON.toString(), file.toString()).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin);
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out);
        }
        return new Result(p.exitValue(), out);
    }
}
