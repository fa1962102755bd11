package org.spfgate.relay;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The internal server's replies, a line at a time, from a buffer of its own: a line is found by
 * scanning the buffer and decoded once, instead of a locked {@code read()} and a synchronized
 * append per byte (four replies per message). A line ends at LF; a CR before it is not part of
 * the line. One connection, one thread: not thread-safe.
 */
final class ReplyLineReader {

    private final InputStream in;
    private final int maxLineLength;
    private final byte[] buffer;
    private int position;
    private int limit;

    /** @param maxLineLength the most octets before the LF (the CR included) a line may have */
    ReplyLineReader(InputStream in, int bufferSize, int maxLineLength) {
        this.in = in;
        this.maxLineLength = maxLineLength;
        this.buffer = new byte[bufferSize];
    }

    /**
     * The next line, decoded as UTF-8, without its line ending.
     *
     * @throws IOException the connection ended before a LF, or the line is longer than allowed
     */
    String readLine() throws IOException {
        byte[] carried = null; // the line's octets from earlier buffers, when it spans several
        int carriedLength = 0;
        while (true) {
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    int length = carriedLength + (i - position);
                    if (length > maxLineLength) {
                        throw tooLong();
                    }
                    String line = carried == null
                            ? decode(buffer, position, i - position)
                            : decode(append(carried, carriedLength, position, i), 0, length);
                    position = i + 1;
                    return line;
                }
            }
            int pending = limit - position;
            if (carriedLength + pending > maxLineLength) {
                throw tooLong();
            }
            if (pending > 0) {
                carried = append(carried == null ? new byte[Math.min(maxLineLength, 2 * buffer.length)] : carried,
                        carriedLength, position, limit);
                carriedLength += pending;
            }
            position = 0;
            limit = 0;
            int n;
            do {
                n = in.read(buffer, 0, buffer.length);
            } while (n == 0);
            if (n < 0) {
                throw new IOException("internal server closed the connection");
            }
            limit = n;
        }
    }

    /** Octets that can be read without blocking: those buffered, and those the connection has. */
    int available() throws IOException {
        return (limit - position) + in.available();
    }

    private byte[] append(byte[] carried, int carriedLength, int from, int to) {
        byte[] target = carried.length >= carriedLength + (to - from)
                ? carried : Arrays.copyOf(carried, Math.max(2 * carried.length, carriedLength + (to - from)));
        System.arraycopy(buffer, from, target, carriedLength, to - from);
        return target;
    }

    private static String decode(byte[] bytes, int offset, int length) {
        int end = length > 0 && bytes[offset + length - 1] == '\r' ? length - 1 : length;
        return new String(bytes, offset, end, StandardCharsets.UTF_8);
    }

    private static IOException tooLong() {
        return new IOException("reply line from the internal server is too long");
    }
}
