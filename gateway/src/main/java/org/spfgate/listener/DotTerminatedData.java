package org.spfgate.listener;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The client's DATA as the message: reads the raw connection up to and including the
 * terminating {@code <CRLF>.<CRLF>} (RFC 5321 4.1.1.4) and removes the dot-stuffing of every
 * line, the first one included (RFC 5321 4.5.2). Only CRLF ends a line here — a bare LF or bare
 * CR before a dot is message content, which is how SMTP smuggling is defeated on our side; what
 * becomes of such bytes is the bare-line-ending filter's business. Never reads past the
 * terminator, so pipelined commands after it stay in the connection for SubEtha.
 */
final class DotTerminatedData extends InputStream {

    private enum State { LINE_START, MIDDLE, CR, DOT, DOT_CR, END }

    private final InputStream connection;
    private State state = State.LINE_START;
    /** A byte decided but not yet returned (the CR after a stuffed dot). */
    private int pending = -1;

    DotTerminatedData(InputStream connection) {
        this.connection = connection;
    }

    @Override
    public int read() throws IOException {
        if (pending >= 0) {
            int b = pending;
            pending = -1;
            return b;
        }
        while (state != State.END) {
            int b = connection.read();
            if (b < 0) {
                throw new EOFException("connection closed before <CRLF>.<CRLF>");
            }
            switch (state) {
                case LINE_START -> {
                    if (b == '.') {
                        state = State.DOT;
                        continue;
                    }
                    return emit(b);
                }
                case MIDDLE -> {
                    return emit(b);
                }
                case CR -> {
                    if (b == '\n') {
                        state = State.LINE_START;
                        return b;
                    }
                    return emit(b);
                }
                case DOT -> {
                    if (b == '\r') {
                        state = State.DOT_CR;
                        continue;
                    }
                    // the dot was stuffing: drop it, the byte after it is content
                    return emit(b);
                }
                case DOT_CR -> {
                    if (b == '\n') {
                        state = State.END;
                        return -1;
                    }
                    // ".\r" then something else: the dot was stuffing, the CR is content
                    pending = b;
                    state = b == '\r' ? State.CR : State.MIDDLE;
                    return '\r';
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return -1;
    }

    /** Returns {@code b} as content and moves to the state after it. */
    private int emit(int b) {
        state = b == '\r' ? State.CR : State.MIDDLE;
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int n = 0;
        while (n < length) {
            int b = read();
            if (b < 0) {
                return n == 0 ? -1 : n;
            }
            buffer[offset + n++] = (byte) b;
            // Every 1 KiB, hand over what we have if the client has sent nothing more yet, so the
            // relay streams a slow client's message (checked rarely: available() is a system call).
            if ((n & 1023) == 0 && pending < 0 && connection.available() == 0) {
                break;
            }
        }
        return n;
    }

    /** Reads to the terminator, discarding; true when the terminator was reached. */
    void drain() throws IOException {
        while (read() >= 0) {
            // discard
        }
    }

    boolean finished() {
        return state == State.END && pending < 0;
    }
}
