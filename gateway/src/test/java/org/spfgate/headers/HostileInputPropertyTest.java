package org.spfgate.headers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.spfgate.message.OwnAuthenticationResultsFilter;
import org.spfgate.spf.SpfIdentity;
import org.spfgate.spf.SpfResult;
import org.spfgate.spf.SpfVerdict;

/**
 * Seeded random hostile input: whatever HELO, sender, DNS text or trusted name, every renderer
 * gives one well-formed field whose values read back as the sanitised input; whatever mix of
 * fields, the A-R filter removes exactly the fields that claim our id.
 */
class HostileInputPropertyTest {

    private static final String ALPHABET = "aZ09.-_@;:=\"\\()<> \t\r\n\u0000\u007f%!,[]/?\u00e9\u4e2d\uD83D\uDE00";

    private static String hostile(Random random, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x80)
                    : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }

    @Test
    void everyRendererGivesOneWellFormedFieldForAnyInput() throws Exception {
        Random random = new Random(7208);
        ReceivedSpfHeader receivedSpf = new ReceivedSpfHeader("mx.example.org");
        AuthenticationResultsHeader authenticationResults = new AuthenticationResultsHeader("mx.example.org");
        ReceivedHeader received = new ReceivedHeader("mx.example.org");
        InetAddress[] ips = {InetAddress.getByName("192.0.2.1"), InetAddress.getByName("2001:db8::25")};
        for (int i = 0; i < 3000; i++) {
            String helo = hostile(random, i % 100 == 0 ? 2000 : 40);
            String sender = hostile(random, i % 100 == 1 ? 2000 : 40);
            String explanation = hostile(random, 60);
            String term = random.nextBoolean() ? null : hostile(random, 30);
            SpfResult result = SpfResult.values()[random.nextInt(SpfResult.values().length)];
            SpfIdentity identity = random.nextBoolean() ? SpfIdentity.MAILFROM : SpfIdentity.HELO;
            InetAddress ip = ips[random.nextInt(2)];
            SpfVerdict v = new SpfVerdict(result, identity, ip, sender, "example.com", helo, explanation, term, 1);
            String context = "case " + i;

            Map<String, String> spf = FieldReader.receivedSpf(FieldReader.singleField(receivedSpf.folded(v)));
            assertEquals(result.token(), spf.get("result"), context);
            assertEquals(UntrustedText.clean(helo), spf.get("helo"), context);
            assertEquals(UntrustedText.clean(sender), spf.get("envelope-from"), context);
            assertEquals(identity.token(), spf.get("identity"), context);
            assertEquals("mx.example.org", spf.get("receiver"), context);
            if (term != null && !term.isEmpty()) {
                assertEquals(UntrustedText.clean(term), spf.get("mechanism"), context);
            }

            Map<String, String> ar = FieldReader.authenticationResults(
                    FieldReader.singleField(authenticationResults.spf(v, v)));
            assertEquals("mx.example.org", ar.get("authserv-id"), context);
            assertEquals(UntrustedText.clean(sender), ar.get("smtp.mailfrom"), context);
            assertEquals(UntrustedText.clean(helo), ar.get("smtp.helo"), context);
            assertEquals(4, ar.size(), context);

            Map<String, String> trusted = FieldReader.authenticationResults(
                    FieldReader.singleField(authenticationResults.trusted(ip, helo)));
            assertTrue(trusted.get("comment").endsWith("; SPF not checked"), context);

            SmtpTrace trace = new SmtpTrace(helo, ip, SmtpTrace.Protocol.ESMTP, hostile(random, 20),
                    java.util.List.of(sender), java.time.ZonedDateTime.now());
            String unfolded = FieldReader.singleField(received.folded(trace));
            assertTrue(unfolded.startsWith("Received: from "), context);
            FieldReader.assertBalanced(unfolded);
            assertTrue(unfolded.endsWith(ReceivedHeader.date(trace.received())), context);
        }
    }

    @Test
    void theFilterRemovesExactlyTheFieldsClaimingOurIdInAnyMix() throws IOException {
        Random random = new Random(8601);
        for (int i = 0; i < 2000; i++) {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            int fields = random.nextInt(8);
            for (int f = 0; f < fields; f++) {
                boolean ours = random.nextInt(3) == 0;
                byte[] field = bytes(randomField(random, ours));
                message.writeBytes(field);
                if (!ours) {
                    expected.writeBytes(field);
                }
            }
            if (random.nextInt(5) > 0) {
                byte[] rest = bytes((random.nextBoolean() ? "\r\n" : "\n")
                        + "Authentication-Results: mx.example.org; in the body\r\n" + hostile(random, 50));
                message.writeBytes(rest);
                expected.writeBytes(rest);
            }
            int chunk = 1 + random.nextInt(20);
            assertArrayEquals(expected.toByteArray(), filter(message.toByteArray(), chunk),
                    "case " + i + ": " + new String(message.toByteArray(), StandardCharsets.ISO_8859_1));
        }
    }

    /** One header field, folded at random; ours claims mx.example.org in one of its spellings. */
    private static String randomField(Random random, boolean ours) {
        String eol = random.nextInt(4) == 0 ? "\n" : "\r\n";
        String[] ourIds = {"mx.example.org", "MX.EXAMPLE.ORG", "mx.example.org.", "\"mx.example.org\"",
                "(c) mx.example.org", "(a (b) \\) c)" + eol + "\tmx.example.org"};
        String[] foreignIds = {"mx.example.org.evil", "evil.example", "(mx.example.org) other.example",
                "\"mx.example.org x\"", "mx.example.org1", ""};
        String[] names = {"Authentication-Results", "authentication-results", "AUTHENTICATION-RESULTS ",
                "Authentication-Results\t"};
        StringBuilder f = new StringBuilder();
        int kind = ours ? 0 : random.nextInt(3);
        if (kind == 0 || kind == 1) {
            String id = ours ? ourIds[random.nextInt(ourIds.length)] : foreignIds[random.nextInt(foreignIds.length)];
            f.append(names[random.nextInt(names.length)]).append(':').append(random.nextBoolean() ? " " : "")
                    .append(id).append(random.nextBoolean() ? "; spf=pass" : " 1; dkim=fail");
        } else {
            String[] others = {"Subject", "X-Authentication-Results", "Authentication-Results-X", "Received", "Auth"};
            f.append(others[random.nextInt(others.length)]).append(": ").append(safeText(random));
        }
        int continuations = random.nextInt(3);
        for (int c = 0; c < continuations; c++) {
            f.append(eol).append(random.nextBoolean() ? " " : "\t").append(safeText(random));
        }
        return f.append(eol).toString();
    }

    /** Field text: anything but a line end. */
    private static String safeText(Random random) {
        return hostile(random, 30).replace('\n', 'n').replace('\r', 'r');
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] filter(byte[] message, int chunk) throws IOException {
        try (InputStream in = new OwnAuthenticationResultsFilter(new ByteArrayInputStream(message), "mx.example.org")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[chunk];
            int n;
            while ((n = in.read(buf, 0, chunk)) >= 0) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }
}
