package org.spfgate.listener;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.spfgate.relay.WaitDeadlines;

/**
 * An accepted client connection as the listener hands it to SubEtha: a plain socket whose read
 * time-out ({@code server.timeouts.command}, {@code .data}) is kept by {@link WaitDeadlines}
 * instead of the JDK. SubEtha and the DATA command set it with {@link #setSoTimeout} as usual;
 * the reads themselves wait without a time-out (no JDK timer per blocking read), and a read that
 * outlasts it is ended by shutting the input under it and fails with the same
 * {@link SocketTimeoutException} as before — so the replies stay SubEtha's {@code 421 Timeout
 * waiting for data from client.} and ours during DATA. STARTTLS layers over this socket, so the
 * time-out holds inside TLS too.
 */
final class ClientSocket extends Socket implements WaitDeadlines.Wait {

    private final WaitDeadlines deadlines;
    private volatile int timeoutMillis;
    /** When the read in progress began ({@link System#nanoTime()}); 0: no read in progress. */
    private volatile long readingSince;
    private volatile boolean expired;
    private Input input;

    ClientSocket(WaitDeadlines deadlines) {
        this.deadlines = deadlines;
    }

    /** Watched from now on (the socket is connected); until {@link #close}. */
    void accepted() {
        deadlines.watch(this);
    }

    @Override
    public void setSoTimeout(int timeout) {
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        timeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() {
        return timeoutMillis;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (input == null) {
            input = new Input(super.getInputStream());
        }
        return input;
    }

    @Override
    public void expireIfOverdue(long nowNanos) {
        long since = readingSince;
        int limit = timeoutMillis;
        if (since != 0 && limit > 0 && nowNanos - since > limit * 1_000_000L) {
            expired = true;
            try {
                shutdownInput(); // wakes the blocked read with end-of-stream; replies can still go out
            } catch (IOException alreadyGone) {
                // closed meanwhile: the read has failed anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        deadlines.unwatch(this);
        super.close();
    }

    private SocketTimeoutException timedOut() {
        return new SocketTimeoutException("Read timed out after " + timeoutMillis + " ms");
    }

    private final class Input extends FilterInputStream {

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
            if (expired) {
                throw timedOut();
            }
            long now = System.nanoTime();
            readingSince = now == 0 ? 1 : now;
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                throw expired ? timedOut() : e;
            } finally {
                readingSince = 0;
            }
            if (n < 0 && expired) {
                throw timedOut();
            }
            return n;
        }
    }
}
