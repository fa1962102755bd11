package org.spfgate.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 8601 section 5: forged Authentication-Results claiming our id go, every other byte stays. */
class OwnAuthenticationResultsFilterTest {

    private static final String OURS = "mx.example.org";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Reads the filter in small, odd-sized chunks so every buffer boundary is crossed. */
    private static String filtered(String message) throws IOException {
        return new String(filter(bytes(message), 7), StandardCharsets.ISO_8859_1);
    }

    private static byte[] filter(byte[] message, int chunk) throws IOException {
        try (InputStream in = new OwnAuthenticationResultsFilter(new TrickleInputStream(message, 5), OURS)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[chunk];
            int n;
            while ((n = in.read(buf, 0, buf.length)) >= 0) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** Hands out at most {@code max} bytes per read, as a socket may. */
    private static final class TrickleInputStream extends InputStream {
        private final byte[] data;
        private final int max;
        private int pos;

        TrickleInputStream(byte[] data, int max) {
            this.data = data;
            this.max = max;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, max), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    @Test
    void aForgedFieldWithOurIdIsRemovedAndEverythingElseKeptByteForByte() throws IOException {
        String message = "Received: from a by b; Mon, 23 Nov 2026 13:28:48 +0000\r\n"
                + "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=forged@example.com\r\n"
                + "Authentication-Results: other.example.net; dkim=pass header.d=example.com\r\n"
                + "Subject: hi\r\n"
                + "\r\n"
                + "Authentication-Results: mx.example.org; this is the body\r\n";
        assertEquals("Received: from a by b; Mon, 23 Nov 2026 13:28:48 +0000\r\n"
                + "Authentication-Results: other.example.net; dkim=pass header.d=example.com\r\n"
                + "Subject: hi\r\n"
                + "\r\n"
                + "Authentication-Results: mx.example.org; this is the body\r\n", filtered(message));
    }

    /** Found by fuzzing: a lenient reader that skips a form feed would have seen our name or id past it. */
    @Test
    void controlCharactersBeforeTheIdDoNotHideAForgedField() throws IOException {
        String message = "Authentication-Results: \fmx.example.org; spf=pass\r\n"
                + "Authentication-Results:\u000b\u001f mx.example.org; dkim=pass\r\n"
                + "\u000bAuthentication-\u0000Results: mx.example.org; in the name\r\n"
                + "Subject: hi\r\n\r\nbody\r\n";
        assertEquals("Subject: hi\r\n\r\nbody\r\n", filtered(message));
    }

    @Test
    void foldedContinuationLinesGoWithTheField() throws IOException {
        String message = "From: a@example.com\r\n"
                + "Authentication-Results: mx.example.org;\r\n"
                + "\tspf=pass smtp.mailfrom=forged@example.com;\r\n"
                + "  dkim=pass header.d=example.com\r\n"
                + "Authentication-Results: relay.example.net;\r\n"
                + "\tspf=fail smtp.mailfrom=x@example.com\r\n"
                + "To: b@example.org\r\n\r\nbody\r\n";
        assertEquals("From: a@example.com\r\n"
                + "Authentication-Results: relay.example.net;\r\n"
                + "\tspf=fail smtp.mailfrom=x@example.com\r\n"
                + "To: b@example.org\r\n\r\nbody\r\n", filtered(message));
    }

    @Test
    void theIdIsMatchedWhateverTheCaseAndSpellingOfTheFieldName() throws IOException {
        String message = "authentication-results: MX.Example.ORG; spf=pass\r\n"
                + "AUTHENTICATION-RESULTS:mx.example.org.; spf=pass\r\n"
                + "Authentication-Results : mx.example.org; spf=pass\r\n"
                + "Authentication-Results:   mx.example.org 1; spf=pass\r\n"
                + "Authentication-Results: (forged by me) mx.example.org; spf=pass\r\n"
                + "Authentication-Results: (nested (comment) \\) here)\r\n mx.example.org; none\r\n"
                + "Authentication-Results: \"mx.example.org\"; spf=pass\r\n"
                + "Authentication-Results: mx.example.org;spf=pass\r\n"
                + "Authentication-Results: mx.example.org\r\n"
                + "X: y\r\n\r\n";
        assertEquals("X: y\r\n\r\n", filtered(message));
    }

    @Test
    void similarButForeignIdsAndSimilarFieldNamesStay() throws IOException {
        String message = "Authentication-Results: mx.example.org.evil.example; spf=pass\r\n"
                + "Authentication-Results: evilmx.example.org; spf=pass\r\n"
                + "Authentication-Results: mx.example.org1; spf=pass\r\n"
                + "Authentication-Results-Original: mx.example.org; spf=pass\r\n"
                + "ARC-Authentication-Results: i=1; mx.example.org; spf=pass\r\n"
                + "X-Authentication-Results: mx.example.org; spf=pass\r\n"
                + "Authentication-Results: (mx.example.org) other.example; spf=pass\r\n"
                + "Authentication-Results:\r\n"
                + "Authentication-Result: mx.example.org; spf=pass\r\n\r\n";
        assertEquals(message, filtered(message));
    }

    @Test
    void aFieldAtTheEndOfTheHeaderSectionIsRemoved() throws IOException {
        assertEquals("Subject: x\r\n\r\nbody", filtered(
                "Subject: x\r\nAuthentication-Results: mx.example.org; spf=pass\r\n\tfolded\r\n\r\nbody"));
    }

    @Test
    void aFieldAtTheEndOfTheMessageIsRemoved() throws IOException {
        assertEquals("Subject: x\r\n", filtered("Subject: x\r\nAuthentication-Results: mx.example.org; spf=pass\r\n"));
        assertEquals("Subject: x\r\n", filtered("Subject: x\r\nAuthentication-Results: mx.example.org; spf=pass"));
        assertEquals("Subject: x\r\nAuthentication-Results: b.example; spf=pass",
                filtered("Subject: x\r\nAuthentication-Results: b.example; spf=pass"));
        assertEquals("Subject: x\r\nAuthenti", filtered("Subject: x\r\nAuthenti"));
    }

    @Test
    void aMessageWithoutHeaderSectionIsUntouched() throws IOException {
        String message = "\r\nAuthentication-Results: mx.example.org; spf=pass\r\nbody\r\n";
        assertEquals(message, filtered(message));
        assertEquals("", filtered(""));
    }

    @Test
    void theBodyIsNeverTouchedWhateverItHolds() throws IOException {
        String message = "Subject: x\r\n\r\n"
                + "Authentication-Results: mx.example.org; spf=pass\r\n \r\n\r\n"
                + "Authentication-Results: mx.example.org; spf=pass\r\n";
        assertEquals(message, filtered(message));
    }

    @Test
    void lineEndingsAndEightBitBytesPassExactly() throws IOException {
        byte[] message = new byte[] {'S', ':', ' ', (byte) 0xe9, (byte) 0xff, 0, '\r', '\n',
                'A', 'u', 't', 'h', 'e', 'n', 't', 'i', 'c', 'a', 't', 'i', 'o', 'n', '-', 'R', 'e', 's', 'u', 'l',
                't', 's', ':', ' ', 'm', 'x', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'o', 'r', 'g', '\n',
                'T', ':', '\r', 'x', '\n', '\n', (byte) 0x80, '\r', '\r', '\n'};
        byte[] expected = new byte[] {'S', ':', ' ', (byte) 0xe9, (byte) 0xff, 0, '\r', '\n',
                'T', ':', '\r', 'x', '\n', '\n', (byte) 0x80, '\r', '\r', '\n'};
        assertArrayEquals(expected, filter(message, 3));
    }

    @Test
    void aLineThatIsNotAFieldDoesNotEndTheHeaderSection() throws IOException {
        String message = "Subject: x\r\nnot a field line\r\n \r\nAuthentication-Results: mx.example.org; spf=pass\r\n\r\nb";
        assertEquals("Subject: x\r\nnot a field line\r\n \r\n\r\nb", filtered(message));
    }

    @Test
    void anOverLongForeignFieldPassesWhole() throws IOException {
        String longTail = "x".repeat(OwnAuthenticationResultsFilter.MAX_FIELD_BYTES * 2);
        String message = "Authentication-Results: other.example; spf=pass " + longTail + "\r\n\tmore\r\nS: 1\r\n\r\n";
        assertEquals(message, filtered(message));
        String longOther = "X-Long: " + longTail + "\r\nAuthentication-Results: mx.example.org; spf=pass\r\n\r\n";
        assertEquals("X-Long: " + longTail + "\r\n\r\n", filtered(longOther));
    }

    @Test
    void anOverLongFieldClaimingOurIdIsDroppedWhole() throws IOException {
        String longTail = "x".repeat(OwnAuthenticationResultsFilter.MAX_FIELD_BYTES * 2);
        assertEquals("S: 1\r\n\r\n", filtered(
                "Authentication-Results: mx.example.org; spf=pass " + longTail + "\r\n\tmore\r\nS: 1\r\n\r\n"));
    }

    @Test
    void anIdHiddenBeyondTheLimitIsDroppedOnTheSafeSide() throws IOException {
        String comment = "(" + "c".repeat(OwnAuthenticationResultsFilter.MAX_FIELD_BYTES) + ")";
        assertEquals("S: 1\r\n\r\n", filtered(
                "Authentication-Results: " + comment + " other.example; spf=pass\r\n more\r\nS: 1\r\n\r\n"));
        String spaces = " ".repeat(OwnAuthenticationResultsFilter.MAX_FIELD_BYTES * 2);
        assertEquals("S: 1\r\n\r\n", filtered("Authentication-Results" + spaces + ": mx.example.org\r\nS: 1\r\n\r\n"));
    }

    @Test
    void aLargeMessageStreamsThroughUnchangedInEveryChunking() throws IOException {
        Random random = new Random(42);
        byte[] body = new byte[300_000];
        random.nextBytes(body);
        byte[] head = bytes("Subject: big\r\nAuthentication-Results: mx.example.org; spf=pass\r\nX: y\r\n\r\n");
        byte[] message = new byte[head.length + body.length];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(body, 0, message, head.length, body.length);
        byte[] keptHead = bytes("Subject: big\r\nX: y\r\n\r\n");
        byte[] expected = new byte[keptHead.length + body.length];
        System.arraycopy(keptHead, 0, expected, 0, keptHead.length);
        System.arraycopy(body, 0, expected, keptHead.length, body.length);
        for (int chunk : new int[] {1, 2, 13, 4096, 65536}) {
            assertArrayEquals(expected, filter(message, chunk), "chunk " + chunk);
        }
        try (InputStream in = new OwnAuthenticationResultsFilter(new ByteArrayInputStream(message), OURS)) {
            assertArrayEquals(expected, in.readAllBytes(), "readAllBytes");
        }
        try (InputStream in = new OwnAuthenticationResultsFilter(new ByteArrayInputStream(message), OURS)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                out.write(b);
            }
            assertArrayEquals(expected, out.toByteArray(), "byte by byte");
        }
    }
}
