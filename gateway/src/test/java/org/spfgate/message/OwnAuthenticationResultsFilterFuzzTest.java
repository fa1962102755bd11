package org.spfgate.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.spfgate.config.ServerConfig;
import org.spfgate.testnet.OneOctetAtATime;

/**
 * Coverage-guided fuzzing of the filter that removes forged {@code Authentication-Results} fields
 * claiming our authserv-id (RFC 8601 5), fed as on the message path. Whatever the message: the
 * filter only removes octets,
 * never touches the body, leaves no field of ours in the header section, and gives the same bytes
 * however the input is split and however its output is read. A normal build replays the
 * committed corpus ({@code OwnAuthenticationResultsFilterFuzzTestInputs/}); how to fuzz is in
 * docs/fuzzing.md.
 */
class OwnAuthenticationResultsFilterFuzzTest {

    private static final String OURS = "mx.example.org";

    /**
     * The input goes through what comes before the filter on the message path: bare CR and LF
     * made CRLF ({@code bare_line_endings: normalize}; with {@code reject} such a message never
     * reaches the filter). A line starting with a bare CR is no field for the filter, and never
     * reaches it as one.
     */
    @FuzzTest(maxDuration = "10m")
    void forgedFieldsGoAndEverythingElseStays(byte[] input) throws IOException {
        byte[] message = new BareLineEndingFilter(new ByteArrayInputStream(input),
                ServerConfig.BareLineEndings.NORMALIZE).readAllBytes();
        byte[] filtered = filter(new ByteArrayInputStream(message), false);
        assertArrayEquals(filtered, filter(new OneOctetAtATime(new ByteArrayInputStream(message)), true));
        assertTrue(isSubsequence(filtered, message), "the filter may only remove octets");
        int body = bodyStart(message);
        byte[] bodyBytes = Arrays.copyOfRange(message, body, message.length);
        assertTrue(filtered.length >= bodyBytes.length
                && Arrays.equals(filtered, filtered.length - bodyBytes.length, filtered.length, bodyBytes, 0,
                        bodyBytes.length), "the body must pass unchanged");
        String header = new String(filtered, 0, filtered.length - bodyBytes.length, StandardCharsets.ISO_8859_1);
        for (String line : header.split("\n")) {
            int colon = line.indexOf(':');
            if (line.startsWith(" ") || line.startsWith("\t") || colon < 0) {
                continue; // a folded continuation (RFC 5322 2.2.3) or no field at all
            }
            // as a lenient reader might see it: control characters in the name dropped, and white
            // space or control characters before the value skipped
            if (withoutControls(line.substring(0, colon)).strip().equalsIgnoreCase("Authentication-Results")) {
                String value = line.substring(colon + 1).replaceFirst("^[\\x00-\\x20\\x7f]+", "")
                        .strip().toLowerCase(Locale.ROOT);
                assertFalse(value.startsWith(OURS + ";") || value.equals(OURS), () -> "our field left in: " + line);
            }
        }
    }

    private static String withoutControls(String text) {
        return text.replaceAll("[\\x00-\\x08\\x0a-\\x1f\\x7f]", "");
    }

    /** Reads the filter's output whole, or (second form) alternating single octets and small arrays. */
    private static byte[] filter(InputStream in, boolean oddReads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OwnAuthenticationResultsFilter filter = new OwnAuthenticationResultsFilter(in, OURS)) {
            byte[] buffer = new byte[oddReads ? 3 : 8192];
            boolean single = true;
            while (true) {
                if (oddReads && single) {
                    int b = filter.read();
                    if (b < 0) {
                        break;
                    }
                    out.write(b);
                } else {
                    int n = filter.read(buffer, 0, buffer.length);
                    if (n < 0) {
                        break;
                    }
                    out.write(buffer, 0, n);
                }
                single = !single;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Where the body starts: after the first empty line (CRLF or LF alone); the message's end if none. */
    private static int bodyStart(byte[] m) {
        int lineStart = 0;
        while (lineStart < m.length) {
            if (m[lineStart] == '\n') {
                return lineStart + 1;
            }
            if (m[lineStart] == '\r' && lineStart + 1 < m.length && m[lineStart + 1] == '\n') {
                return lineStart + 2;
            }
            int lf = lineStart;
            while (lf < m.length && m[lf] != '\n') {
                lf++;
            }
            lineStart = lf + 1;
        }
        return m.length;
    }

    private static boolean isSubsequence(byte[] part, byte[] whole) {
        int i = 0;
        for (int j = 0; i < part.length && j < whole.length; j++) {
            if (part[i] == whole[j]) {
                i++;
            }
        }
        return i == part.length;
    }
}
