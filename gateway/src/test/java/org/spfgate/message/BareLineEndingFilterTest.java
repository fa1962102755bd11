package org.spfgate.message;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.spfgate.config.ServerConfig.BareLineEndings;

class BareLineEndingFilterTest {

    private static byte[] bytes(String s) {
        return s.getBytes(ISO_8859_1);
    }

    /** Reads through the filter in chunks of {@code chunk} bytes, from a source giving {@code feed} at a time. */
    private static byte[] filter(byte[] input, BareLineEndings mode, int feed, int chunk) throws IOException {
        InputStream source = new Trickle(input, feed);
        InputStream filtered = new BareLineEndingFilter(source, mode);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[chunk];
        int n;
        while ((n = filtered.read(buffer, 0, chunk)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "lf dot crlf smuggling      | a\\n.\\r\\nb         | a\\r\\n.\\r\\nb",
        "cr dot crlf smuggling      | a\\r.\\r\\nb         | a\\r\\n.\\r\\nb",
        "bare lf                    | x\\ny               | x\\r\\ny",
        "bare cr                    | x\\ry               | x\\r\\ny",
        "cr cr lf                   | x\\r\\r\\ny         | x\\r\\n\\r\\ny",
        "lf cr                      | x\\n\\ry            | x\\r\\n\\r\\ny",
        "cr at the end              | x\\r                | x\\r\\n",
        "lf at the end              | x\\n                | x\\r\\n",
        "lf at the start            | \\nx                | \\r\\nx",
        "crlf untouched             | x\\r\\ny\\r\\n      | x\\r\\ny\\r\\n",
    })
    void normalizeTurnsEveryBareCrAndBareLfIntoCrLf(String name, String input, String expected) throws IOException {
        byte[] in = bytes(unescape(input));
        byte[] want = bytes(unescape(expected));
        for (int feed : new int[] {1, 2, 3, 8192}) {
            for (int chunk : new int[] {1, 2, 5, 8192}) {
                assertArrayEquals(want, filter(in, BareLineEndings.NORMALIZE, feed, chunk),
                        name + " feed " + feed + " chunk " + chunk);
            }
        }
    }

    @Test
    void aMessageWithOnlyCrLfLineEndingsPassesUnchangedInBothModes() throws IOException {
        Random random = new Random(7);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        for (int line = 0; line < 5000; line++) {
            int length = random.nextInt(200);
            for (int i = 0; i < length; i++) {
                int b;
                do {
                    b = random.nextInt(256);
                } while (b == '\r' || b == '\n');
                message.write(b);
            }
            message.write('\r');
            message.write('\n');
        }
        byte[] in = message.toByteArray();
        assertArrayEquals(in, filter(in, BareLineEndings.NORMALIZE, 1000, 777));
        assertArrayEquals(in, filter(in, BareLineEndings.REJECT, 1000, 777));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bare LF at byte 1 of the message  | a\\n.\\r\\n",
        "bare CR at byte 1 of the message  | a\\r.\\r\\n",
        "bare CR at byte 4 of the message  | a\\r\\nb\\r",
        "bare LF at byte 0 of the message  | \\nabc",
    })
    void rejectThrowsAtTheFirstBareLineEnding(String message, String input) {
        BareLineEndingException e = assertThrows(BareLineEndingException.class,
                () -> filter(bytes(unescape(input)), BareLineEndings.REJECT, 1, 1));
        assertEquals(message, e.getMessage());
    }

    @Test
    void singleByteReadsGiveTheSameBytes() throws IOException {
        InputStream filtered = new BareLineEndingFilter(new ByteArrayInputStream(bytes("a\nb\r")), BareLineEndings.NORMALIZE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = filtered.read()) >= 0) {
            out.write(b);
        }
        assertArrayEquals(bytes("a\r\nb\r\n"), out.toByteArray());
    }

    private static String unescape(String s) {
        return s.trim().replace("\\r", "\r").replace("\\n", "\n");
    }

    /** Hands out at most {@code step} bytes per read, as a network stream does. */
    static final class Trickle extends InputStream {
        private final ByteArrayInputStream in;
        private final int step;

        Trickle(byte[] data, int step) {
            this.in = new ByteArrayInputStream(data);
            this.step = step;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, step));
        }
    }
}
