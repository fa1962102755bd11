package org.spfgate.message;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A message's header block (RFC 5322 2.2), split into fields, top first, as the verdict step
 * sees it: e.g. the topmost {@code Received} field a trusted relay added (RFC 5321 4.4), or the
 * {@code DKIM-Signature} fields (RFC 6376 3.5).
 *
 * <p>Read with a bound: a head longer than {@link #MAX_BYTES} stops there and is
 * {@link #complete() incomplete}; the bytes read are kept ({@link #bytes()}) so that the message
 * can still be sent on whole, head first, then the rest of the stream.
 */
public final class MessageHead {

    /** How much of a message is read looking for the end of its header block. */
    public static final int MAX_BYTES = 256 * 1024;
    /** The most read at once: the message's buffered input holds one page. */
    private static final int PIECE = 4096;

    private final byte[] bytes;
    private final int headerLength;
    private final boolean complete;
    private final List<Field> fields;

    /**
     * One header field: its name as written, and its whole text ({@code Name:value}, folding
     * CRLFs kept, no final CRLF) decoded as UTF-8 (RFC 6532 allows UTF-8 in header fields).
     */
    public record Field(String name, String raw) {
        /** The value after the colon, unfolded (RFC 5322 2.2.3), outer white space removed. */
        public String value() {
            return raw.substring(raw.indexOf(':') + 1).replace("\r\n", "").strip();
        }

        public boolean is(String fieldName) {
            return name.equalsIgnoreCase(fieldName);
        }
    }

    private MessageHead(byte[] bytes, int headerLength, boolean complete) {
        this.bytes = bytes;
        this.headerLength = headerLength;
        this.complete = complete;
        this.fields = split(bytes, headerLength);
    }

    /**
     * Reads {@code in} up to and including the empty line that ends the header block, at most
     * {@link #MAX_BYTES} bytes; nothing past it is read.
     */
    public static MessageHead read(InputStream in) throws IOException {
        return read(in, MAX_BYTES);
    }

    static MessageHead read(InputStream in, int maxBytes) throws IOException {
        // Whole pieces from a stream that can give back what follows the empty line (the
        // message's buffered input can), else a byte at a time: never a byte past the head.
        boolean bulk = in.markSupported();
        byte[] head = new byte[Math.min(maxBytes, PIECE)];
        int size = 0;
        int previous = -1;
        boolean lineStart = true;
        while (size < maxBytes) {
            if (size == head.length) {
                head = Arrays.copyOf(head, (int) Math.min(maxBytes, 2L * head.length));
            }
            int want = bulk ? Math.min(head.length - size, PIECE) : 1;
            if (bulk) {
                in.mark(want);
            }
            int n = in.read(head, size, want);
            if (n < 0) {
                break;
            }
            for (int i = size; i < size + n; i++) {
                int b = head[i];
                if (b == '\n' && previous == '\r') {
                    if (lineStart) {
                        int length = i + 1;
                        if (length < size + n) {
                            in.reset(); // the body's first bytes stay in the stream
                            in.skipNBytes(length - size);
                        }
                        return new MessageHead(head, length, true);
                    }
                    lineStart = true;
                } else if (b != '\r') {
                    lineStart = false;
                }
                previous = b;
            }
            size += n;
        }
        // The end of the message ends a head without a body; the bound leaves it incomplete.
        return new MessageHead(head, size, size < maxBytes);
    }

    /** The head of a whole message held in memory. */
    public static MessageHead of(byte[] message) throws IOException {
        return read(new ByteArrayInputStream(message), Math.min(message.length + 1, MAX_BYTES));
    }

    /** Every byte read, as received: the header block and its empty line. */
    public byte[] bytes() {
        return Arrays.copyOf(bytes, headerLength);
    }

    /** {@link #bytes()} as a stream, without a copy. */
    public InputStream stream() {
        return new ByteArrayInputStream(bytes, 0, headerLength);
    }

    /** How many bytes {@link #bytes()} holds. */
    public int length() {
        return headerLength;
    }

    /** Whether the whole header block was read (its empty line, or the end of the message). */
    public boolean complete() {
        return complete;
    }

    /** All fields, top first. */
    public List<Field> fields() {
        return fields;
    }

    /** The fields with this name (case-insensitive), top first. */
    public List<Field> fields(String name) {
        return fields.stream().filter(f -> f.is(name)).toList();
    }

    /** The topmost field with this name: for {@code Received}, the one the last relay added. */
    public Optional<Field> topmost(String name) {
        return fields.stream().filter(f -> f.is(name)).findFirst();
    }

    /**
     * Splits the block into fields at each line that does not start with white space (RFC 5322
     * 2.2.3). A line without a colon that is no continuation is not a field and is skipped, as
     * is the empty line at the end.
     */
    private static List<Field> split(byte[] bytes, int length) {
        List<Field> fields = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i < length) {
            int end = lineEnd(bytes, i, length);
            boolean continuation = bytes[i] == ' ' || bytes[i] == '\t';
            boolean empty = end == i;
            if (!continuation || empty) {
                addField(fields, bytes, start, i);
                start = empty ? -1 : i;
            }
            if (empty) {
                break;
            }
            i = end + 2 <= length ? end + 2 : length;
        }
        addField(fields, bytes, start, i);
        return List.copyOf(fields);
    }

    /** The index of the CR of the next CRLF at or after {@code from}, else {@code length}. */
    private static int lineEnd(byte[] bytes, int from, int length) {
        for (int i = from; i + 1 < length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return length;
    }

    private static void addField(List<Field> fields, byte[] bytes, int start, int end) {
        if (start < 0 || end <= start) {
            return;
        }
        String raw = new String(bytes, start, end - start, StandardCharsets.UTF_8);
        if (raw.endsWith("\r\n")) {
            raw = raw.substring(0, raw.length() - 2);
        }
        int colon = raw.indexOf(':');
        if (colon <= 0) {
            return;
        }
        String name = raw.substring(0, colon).strip();
        if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            return;
        }
        fields.add(new Field(name, raw));
    }

    @Override
    public String toString() {
        return "MessageHead[" + fields.size() + " fields, " + headerLength + " bytes"
                + (complete ? "" : ", incomplete") + "]";
    }
}
