package org.spfgate.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.dns.SpfDnsClient;
import org.spfgate.testhost.ThirdPartyTools;
import org.spfgate.message.MessageHead;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;

/**
 * Our verifier against python3-dkim's {@code dkimverify} on the same messages: a corpus signed
 * in the test by python3-dkim and by the Java signer, rsa-sha256 and ed25519-sha256, all four
 * canonicalization pairs, with and without {@code l=}, folded headers, 8-bit bodies, and
 * variants changed after signing. Both verifiers find the keys in the same DNS server on
 * loopback. Every verdict must agree.
 */
class DkimCrossCheckTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final String DKIMVERIFY = "/usr/bin/dkimverify";
    private static final List<String> CANONICALIZATIONS =
            List.of("relaxed/relaxed", "relaxed/simple", "simple/simple", "simple/relaxed");
    private static final List<String> SIGNED = List.of("from", "to", "subject", "date", "message-id");

    private static DkimSigner.Key rsa;
    private static DkimSigner.Key ed25519;
    private static TestDnsServer dns;

    @TempDir
    Path dir;

    @BeforeAll
    static void publishKeys() {
        rsa = DkimSigner.Key.rsa(2048);
        ed25519 = DkimSigner.Key.ed25519();
        dns = TestDnsServer.start(new TestZone()
                .txt("rsa._domainkey.signer.example", rsa.recordStrings())
                .txt("ed._domainkey.signer.example", ed25519.recordStrings()));
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    private record Case(String name, byte[] message) {
    }

    @Test
    void everyVerdictAgreesWithDkimverify() throws Exception {
        ThirdPartyTools.require(PYTHON, DKIMVERIFY);
        List<Case> corpus = corpus();
        assertTrue(corpus.size() >= 30, "corpus of " + corpus.size());

        DkimVerifier verifier = new DkimVerifier(new SpfDnsClient(List.of(dns.address()), Duration.ofSeconds(3)));
        List<String> disagreements = new ArrayList<>();
        int passes = 0;
        for (Case c : corpus) {
            boolean ours = verifies(verifier, c.message());
            boolean theirs = dkimverify(c.message());
            if (ours != theirs) {
                disagreements.add(c.name() + ": ours " + ours + ", dkimverify " + theirs);
            }
            passes += theirs ? 1 : 0;
        }
        assertEquals(List.of(), disagreements);
        // Both verdicts occur, so agreement is not the trivial kind.
        assertTrue(passes >= 10 && corpus.size() - passes >= 10,
                passes + " of " + corpus.size() + " verified");
    }

    private List<Case> corpus() throws IOException, InterruptedException {
        List<Case> corpus = new ArrayList<>();
        List<byte[]> messages = messages();
        int i = 0;
        for (String signer : List.of("python", "java")) {
            for (DkimSigner.Key key : List.of(rsa, ed25519)) {
                for (String canonicalization : CANONICALIZATIONS) {
                    byte[] message = messages.get(i % messages.size());
                    boolean length = i % 3 == 0;
                    String selector = key == rsa ? "rsa" : "ed";
                    byte[] signed = signer.equals("python")
                            ? pythonSign(message, key, selector, canonicalization, length)
                            : DkimSigner.sign(message, key, "signer.example", selector, canonicalization, SIGNED,
                                    length ? MessageHeadBody.length(message) : -1);
                    String name = signer + " " + key.algorithm() + " " + canonicalization + (length ? " l=" : "")
                            + " message " + (i % messages.size());
                    corpus.add(new Case(name, signed));
                    corpus.add(new Case(name + ", " + Tamper.values()[i % Tamper.values().length],
                            Tamper.values()[i % Tamper.values().length].apply(signed)));
                    i++;
                }
            }
        }
        return corpus;
    }

    /** Changes made after signing; some must break the signature, some must not. */
    private enum Tamper {
        BODY_CHANGED {
            byte[] apply(byte[] m) {
                return replace(m, "Hello", "Jello");
            }
        },
        SUBJECT_CHANGED {
            byte[] apply(byte[] m) {
                return replace(m, "Subject: ", "Subject: Re: ");
            }
        },
        /** Relaxed header canonicalization absorbs it; simple does not. */
        SPACE_IN_SUBJECT {
            byte[] apply(byte[] m) {
                return replace(m, "Subject: ", "Subject:    ");
            }
        },
        /** With l=, text appended after the signed length still verifies. */
        TEXT_APPENDED {
            byte[] apply(byte[] m) {
                byte[] tail = "Appended by a mailing list.\r\n".getBytes(StandardCharsets.US_ASCII);
                byte[] out = Arrays.copyOf(m, m.length + tail.length);
                System.arraycopy(tail, 0, out, m.length, tail.length);
                return out;
            }
        },
        /** Trailing white space on body lines: relaxed body canonicalization absorbs it. */
        TRAILING_SPACE {
            byte[] apply(byte[] m) {
                return replace(m, "Hello", "Hello \t");
            }
        };

        abstract byte[] apply(byte[] message);

        static byte[] replace(byte[] message, String from, String to) {
            String text = new String(message, StandardCharsets.ISO_8859_1);
            int at = text.indexOf(from, text.indexOf("\r\n\r\n") > 0 && from.startsWith("Hello")
                    ? text.indexOf("\r\n\r\n") : 0);
            if (at < 0) {
                throw new IllegalArgumentException("no " + from);
            }
            return (text.substring(0, at) + to + text.substring(at + from.length())).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private static List<byte[]> messages() {
        return List.of(
                crlf("From: Alice <alice@signer.example>\nTo: bob@example.org\nSubject: plain\n"
                        + "Date: Mon, 6 Jan 2025 10:00:00 +0000\nMessage-ID: <1@signer.example>\n\nHello Bob.\n"),
                // folded headers, tabs and runs of spaces
                crlf("From: Alice\n\t<alice@signer.example>\nTo: bob@example.org,\n  carol@example.org\n"
                        + "Subject: a subject folded\n over   two\tlines\nDate: Mon, 6 Jan 2025 10:00:00 +0000\n\n"
                        + "Hello   with  spaces  \n\n\n"),
                // an 8-bit body: UTF-8 and a Latin-1 byte
                bytes(crlf("From: alice@signer.example\nTo: bob@example.org\nSubject: eight bit\n"
                        + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                        + "Hello Grüße, naïve café ✓\n"), new byte[] {(byte) 0xE9, '\r', '\n'}),
                // trailing empty lines and a line starting with a dot
                crlf("From: alice@signer.example\nTo: bob@example.org\nSubject: dots\n\nHello\n.leading dot\n\n\n\n"));
    }

    private static byte[] crlf(String text) {
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static boolean verifies(DkimVerifier verifier, byte[] message) throws IOException {
        MessageHead head = MessageHead.of(message);
        List<String> fields = head.fields().stream().map(MessageHead.Field::raw).toList();
        return verifier.verify(fields, () -> new java.io.ByteArrayInputStream(message, head.length(),
                message.length - head.length())).stream().anyMatch(DkimResult::passed);
    }

    private byte[] pythonSign(byte[] message, DkimSigner.Key key, String selector, String canonicalization,
            boolean length) throws IOException, InterruptedException {
        Path keyFile = Files.writeString(Files.createTempFile(dir, "key", ".pem"), key.privateKeyFile());
        Result r = run(message, PYTHON, script().toString(), "sign", selector, "signer.example", keyFile.toString(),
                key.algorithm(), canonicalization, length ? "yes" : "no");
        assertEquals(0, r.exit(), "dkimpy sign failed: " + r.stderr());
        return r.stdout();
    }

    /**
     * dkimverify's verdict: "signature ok" (exit 0), or "signature verification failed" — or,
     * for a body hash mismatch and other validation errors, dkimpy's {@code dkim.ValidationError}
     * escaping as a traceback, which is its way of saying fail. Anything else is no verdict.
     */
    private boolean dkimverify(byte[] message) throws IOException, InterruptedException {
        Result r = run(message, PYTHON, script().toString(), "verify", String.valueOf(dns.port()));
        String out = new String(r.stdout(), StandardCharsets.UTF_8).strip();
        if (r.exit() == 0 && out.equals("signature ok")) {
            return true;
        }
        assertTrue(out.equals("signature verification failed") || r.stderr().contains("dkim.ValidationError"),
                "dkimverify gave no verdict: " + out + " " + r.stderr());
        return false;
    }

    private Path script() throws IOException {
        Path script = dir.resolve("dkimpy.py");
        if (!Files.exists(script)) {
            try (InputStream in = getClass().getResourceAsStream("/dkim/dkimpy.py")) {
                Files.copy(in, script);
            }
        }
        return script;
    }

    private record Result(int exit, byte[] stdout, String stderr) {
    }

    private Result run(byte[] stdin, String... command) throws IOException, InterruptedException {
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        return new Result(p.exitValue(), out.toByteArray(), Files.readString(err));
    }

    /** The body length of a message, for l= covering all of it. */
    private static final class MessageHeadBody {
        static long length(byte[] message) throws IOException {
            return message.length - MessageHead.of(message).length();
        }
    }
}
