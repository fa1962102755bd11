package org.spfgate.message;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The client's DATA as the message: reads the raw connection up to and including the
 * terminating {@code <CRLF>.<CRLF>} (RFC 5321 4.1.1.4) and removes the dot-stuffing of every
 * line, the first one included (RFC 5321 4.5.2). Only CRLF ends a line here — a bare LF or bare
 * CR before a dot is message content, which is how SMTP smuggling is defeated on our side; what
 * becomes of such bytes is the bare-line-ending filter's business.
 *
 * <p>Never consumes a byte past the terminator, so pipelined commands after it stay in the
 * connection for SubEtha's command reader: with a connection that supports mark/reset (SubEtha's
 * buffered input does) it decodes whole buffers and gives back what follows the terminator;
 * otherwise it reads byte by byte.
 */
public final class DotTerminatedData extends InputStream {

    private enum State { LINE_START, MIDDLE, CR, DOT, DOT_CR, END }

    private static final int CHUNK = 4096;

    private final InputStream connection;
    private final byte[] raw;
    private State state = State.LINE_START;
    /** A content byte decoded but not yet returned (".<CR>x" gives two bytes for the one read). */
    private int pending = -1;

    public DotTerminatedData(InputStream connection) {
        this.connection = connection;
        this.raw = new byte[connection.markSupported() ? CHUNK : 1];
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        while (true) {
            int n = read(one, 0, 1);
            if (n < 0) {
                return -1;
            }
            if (n == 1) {
                return one[0] & 0xff;
            }
        }
    }

    /** Blocks until at least one byte of message is decoded, or the data has ended (-1). */
    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int n;
        do {
            n = decode(buffer, offset, length);
        } while (n == 0); // the bytes read were only stuffing or the start of the terminator
        return n;
    }

    /** One raw read, decoded; 0 when it held no content. */
    private int decode(byte[] buffer, int offset, int length) throws IOException {
        int produced = 0;
        if (pending >= 0) {
            buffer[offset] = (byte) pending;
            pending = -1;
            produced = 1;
        }
        if (state == State.END || produced == length) {
            return produced == 0 ? -1 : produced;
        }
        int want = Math.min(raw.length, length - produced);
        boolean bulk = raw.length > 1;
        if (bulk) {
            connection.mark(want);
        }
        int got = connection.read(raw, 0, want);
        if (got < 0) {
            throw new EOFException("connection closed before <CRLF>.<CRLF>");
        }
        int used = 0;
        while (used < got && state != State.END && produced < length) {
            if (state == State.MIDDLE) {
                // Inside a line nothing but a CR matters: copy up to it at once.
                int run = contentRun(used, Math.min(got, used + (length - produced)));
                System.arraycopy(raw, used, buffer, offset + produced, run);
                used += run;
                produced += run;
                if (used == got || produced == length) {
                    break;
                }
            }
            int b = raw[used++] & 0xff;
            switch (state) {
                case LINE_START -> {
                    if (b == '.') {
                        state = State.DOT;
                    } else {
                        produced = emit(buffer, offset + produced, b, produced);
                    }
                }
                case MIDDLE -> produced = emit(buffer, offset + produced, b, produced);
                case CR -> {
                    if (b == '\n') {
                        buffer[offset + produced++] = (byte) b;
                        state = State.LINE_START;
                    } else {
                        produced = emit(buffer, offset + produced, b, produced);
                    }
                }
                // a dot at the start of a line: stuffing, unless ".<CR><LF>" ends the data
                case DOT -> {
                    if (b == '\r') {
                        state = State.DOT_CR;
                    } else {
                        produced = emit(buffer, offset + produced, b, produced);
                    }
                }
                case DOT_CR -> {
                    if (b == '\n') {
                        state = State.END;
                    } else {
                        // ".<CR>" and something else: the dot was stuffing, the CR is content
                        buffer[offset + produced++] = '\r';
                        if (produced < length) {
                            produced = emit(buffer, offset + produced, b, produced);
                        } else {
                            pending = b;
                            state = b == '\r' ? State.CR : State.MIDDLE;
                        }
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        if (bulk && used < got) {
            // give back what follows the terminator: it is the client's next command
            connection.reset();
            connection.skipNBytes(used);
        }
        return produced == 0 && state == State.END ? -1 : produced;
    }

    /** How many bytes of {@code raw} from {@code from} on, before {@code until}, are not CR. */
    private int contentRun(int from, int until) {
        int i = from;
        while (i < until && raw[i] != '\r') {
            i++;
        }
        return i - from;
    }

    /** Writes one content byte and moves to the state after it; returns the new output count. */
    private int emit(byte[] buffer, int at, int b, int produced) {
        buffer[at] = (byte) b;
        state = b == '\r' ? State.CR : State.MIDDLE;
        return produced + 1;
    }

    /** Reads to the terminator, discarding. */
    public void drain() throws IOException {
        if (finished()) {
            return; // the usual case: the message was read to its end
        }
        byte[] discard = new byte[CHUNK];
        while (read(discard, 0, discard.length) >= 0) {
            // discard
        }
    }

    boolean finished() {
        return state == State.END && pending < 0;
    }
}
