package org.spfgate.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplyLineReaderTest {

    /** Gives at most {@code piece} octets per read, as a slow connection does. */
    private static InputStream inPieces(String text, int piece) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, piece));
            }
        };
    }

    @Test
    void linesEndAtLfWithoutTheirCrAndKeepUtf8() throws IOException {
        ReplyLineReader r = new ReplyLineReader(inPieces("250-first\r\n250 zw\u00f6lf\r\nbare\n\r\n", 100), 16, 64);
        assertEquals("250-first", r.readLine());
        assertEquals("250 zw\u00f6lf", r.readLine());
        assertEquals("bare", r.readLine());
        assertEquals("", r.readLine());
    }

    @Test
    void aLineSpanningManyReadsAndBuffersIsWhole() throws IOException {
        String longLine = "250 " + "x".repeat(50);
        for (int piece : new int[] {1, 3, 7, 16}) {
            ReplyLineReader r = new ReplyLineReader(inPieces(longLine + "\r\n221 bye\r\n", piece), 8, 64);
            assertEquals(longLine, r.readLine(), "pieces of " + piece);
            assertEquals("221 bye", r.readLine(), "pieces of " + piece);
        }
    }

    @Test
    void theLongestLineAllowedPassesAndOneOctetMoreFails() throws IOException {
        String most = "y".repeat(19) + "\r"; // 20 octets before the LF, its CR included
        assertEquals("y".repeat(19), new ReplyLineReader(inPieces(most + "\n", 5), 8, 20).readLine());
        IOException tooLong = assertThrows(IOException.class,
                () -> new ReplyLineReader(inPieces("z" + most + "\n", 5), 8, 20).readLine());
        assertEquals("reply line from the internal server is too long", tooLong.getMessage());
        assertThrows(IOException.class, () -> new ReplyLineReader(inPieces("z".repeat(1000), 64), 8, 20).readLine(),
                "refused before the whole stream is read, not only at its LF");
    }

    @Test
    void theConnectionEndingMidLineIsAnError() throws IOException {
        ReplyLineReader r = new ReplyLineReader(inPieces("250 ok\r\n250 half", 4), 8, 64);
        assertEquals("250 ok", r.readLine());
        IOException closed = assertThrows(IOException.class, r::readLine);
        assertEquals("internal server closed the connection", closed.getMessage());
    }

    @Test
    void availableCountsWhatIsBufferedBeyondTheLine() throws IOException {
        ReplyLineReader r = new ReplyLineReader(inPieces("220 ready\r\n421 going\r\n", 100), 64, 64);
        assertEquals("220 ready", r.readLine());
        assertEquals("421 going\r\n".length(), r.available());
    }
}
