package org.spfgate.listener;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.spfgate.relay.WriteDeadline;

/**
 * An accepted client connection as the listener hands it to SubEtha: a plain socket whose output
 * has a deadline per write ({@code server.timeouts.write}: a client that never reads its replies
 * is dropped instead of holding its session, and perhaps a relay connection, forever) and whose
 * input says when the session thread is blocked waiting for the client and since when the
 * current command line has been arriving — what the command-line and session deadlines of
 * {@link ClientDeadlines} act on. STARTTLS layers over this socket, so both hold inside TLS too.
 *
 * <p>Its read time-out ({@code server.timeouts.command}, {@code .data}: what SubEtha and the DATA
 * command set with {@link #setSoTimeout}) is kept here too, not by the JDK: a socket time-out on a
 * virtual thread arms and cancels a JDK timer at every read that blocks, and each wakes the
 * timer's thread — a sixth of the gateway's CPU under load (docs/benchmarks.md). The reads wait
 * without one; the deadlines' sweep ends a read that outlasts it by shutting the input under it,
 * and the read fails with the same {@link SocketTimeoutException} as before, so the replies stay
 * SubEtha's {@code 421 Timeout waiting for data from client.} and ours during DATA.
 */
final class ClientSocket extends Socket {

    private final Duration writeLimit;
    private final Runnable onWriteExpiry;
    private volatile Input input;
    private volatile WriteDeadline output;
    private volatile int readTimeoutMillis;
    private volatile boolean readExpired;

    /**
     * Without an implementation of its own until {@link java.net.ServerSocket#implAccept} gives it
     * the accepted one: a socket made with one (as {@code new Socket()} makes it) has its options
     * copied over at accept, and reading them from the unconnected one throws — an exception per
     * connection.
     */
    ClientSocket(Duration writeLimit, Runnable onWriteExpiry) throws SocketException {
        super((SocketImpl) null);
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
            output = new WriteDeadline(super.getOutputStream(), this, writeLimit, onWriteExpiry);
        }
        return output;
    }

    @Override
    public void setSoTimeout(int timeout) {
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        readTimeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() {
        return readTimeoutMillis;
    }

    /**
     * Called by the deadlines' sweep: a read that has outlasted the read time-out ends now, and so
     * does a reply that the client has not taken within the write deadline.
     */
    void expireIfOverdue(long nowNanos) {
        WriteDeadline out = output;
        if (out != null) {
            out.expireIfOverdue(nowNanos);
        }
        Input in = input;
        int limit = readTimeoutMillis;
        long since = in == null ? 0 : in.readingSince;
        if (since != 0 && limit > 0 && nowNanos - since > limit * 1_000_000L) {
            readExpired = true;
            try {
                shutdownInput(); // wakes the blocked read with end-of-stream; replies can still go out
            } catch (IOException alreadyGone) {
                // closed meanwhile: the read has failed anyway
            }
        }
    }

    private SocketTimeoutException readTimedOut() {
        return new SocketTimeoutException("Read timed out after " + readTimeoutMillis + " ms");
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

    private final class Input extends FilterInputStream {
        volatile boolean reading;
        volatile long lineStartedAt;
        /** When the read in progress began ({@link System#nanoTime()}); 0: none. */
        volatile long readingSince;

        Input(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (readExpired) {
                throw readTimedOut();
            }
            long now = System.nanoTime();
            readingSince = now == 0 ? 1 : now;
            reading = true;
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                throw readExpired ? readTimedOut() : e;
            } finally {
                reading = false;
                readingSince = 0;
            }
            if (n < 0 && readExpired) {
                throw readTimedOut();
            }
            arrived(n);
            return n;
        }

        /**
         * Only what is already read counts: the kernel is not asked (one {@code ioctl} per command
         * otherwise). Octets still in the kernel arrive with the next read, a moment later.
         */
        @Override
        public int available() {
            return 0;
        }

        private void arrived(int octets) {
            if (octets > 0 && lineStartedAt == 0) {
                lineStartedAt = System.nanoTime();
            }
        }
    }
}
