package org.spfgate.listener;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.spfgate.relay.WriteDeadline;

/**
 * An accepted client connection as the listener hands it to SubEtha: a plain socket whose output
 * has a deadline per write ({@code server.timeouts.write}: a client that never reads its replies
 * is dropped instead of holding its session, and perhaps a relay connection, forever) and whose
 * input says when the session thread is blocked waiting for the client and since when the
 * current command line has been arriving — what the command-line and session deadlines of
 * {@link ClientDeadlines} act on. STARTTLS layers over this socket, so both hold inside TLS too.
 */
final class ClientSocket extends Socket {

    private final ScheduledExecutorService timer;
    private final Duration writeLimit;
    private final Runnable onWriteExpiry;
    private volatile Input input;
    private OutputStream output;

    ClientSocket(ScheduledExecutorService timer, Duration writeLimit, Runnable onWriteExpiry) {
        this.timer = timer;
        this.writeLimit = writeLimit;
        this.onWriteExpiry = onWriteExpiry;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (input == null) {
            input = new Input(super.getInputStream());
        }
        return input;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        if (output == null) {
            output = new WriteDeadline(super.getOutputStream(), this, timer, writeLimit, onWriteExpiry);
        }
        return output;
    }

    /** Whether the session's thread is blocked right now in a read from the client. */
    boolean isWaitingForClient() {
        Input in = input;
        return in != null && in.reading;
    }

    /**
     * When the line now arriving started (its first octet came in, or it was already buffered when
     * the previous command ended), in {@link System#nanoTime()}; 0 when no line is arriving.
     */
    long lineStartedAt() {
        Input in = input;
        return in == null ? 0 : in.lineStartedAt;
    }

    /**
     * A command ended: the next line starts now if its octets are already here, else with its
     * first octet. Judged at command boundaries, not by looking for LF in the octets: after
     * STARTTLS these are TLS records, whose bytes say nothing about lines.
     */
    void commandEnded(boolean moreBuffered) {
        Input in = input;
        if (in != null) {
            in.lineStartedAt = moreBuffered ? System.nanoTime() : 0;
        }
    }

    private static final class Input extends FilterInputStream {
        volatile boolean reading;
        volatile long lineStartedAt;

        Input(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            reading = true;
            try {
                int b = super.read();
                arrived(b < 0 ? 0 : 1);
                return b;
            } finally {
                reading = false;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            reading = true;
            try {
                int n = super.read(b, off, len);
                arrived(n);
                return n;
            } finally {
                reading = false;
            }
        }

        private void arrived(int octets) {
            if (octets > 0 && lineStartedAt == 0) {
                lineStartedAt = System.nanoTime();
            }
        }
    }
}
