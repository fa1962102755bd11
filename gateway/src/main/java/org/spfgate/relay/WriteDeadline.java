package org.spfgate.relay;

import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A socket's output with a time limit per write. Java socket writes have no time-out of their own:
 * a peer that stops reading would hang the writing thread forever once the TCP buffers fill — an
 * internal server mid-DATA (the relay then answers 451 4.4.1), or a client that pipelines commands
 * and never reads our replies (the listener then drops it). Each write notes when it began; a
 * sweep that runs a few times per limit ({@link #expireIfOverdue}) closes the socket under a write
 * that has outlasted it, and the blocked write then fails with an {@link IOException}. No timer is
 * armed and cancelled per write: that is several per message on each leg.
 */
public final class WriteDeadline extends FilterOutputStream {

    private final Closeable socket;
    private final Runnable onExpiry;
    private volatile long limitNanos;
    /** When the write in progress began ({@link System#nanoTime()}); 0: none. */
    private volatile long writingSince;

    WriteDeadline(OutputStream out, Closeable socket, Duration limit) {
        this(out, socket, limit, () -> { });
    }

    /** @param onExpiry run once the socket was closed because a write took longer than {@code limit} */
    public WriteDeadline(OutputStream out, Closeable socket, Duration limit, Runnable onExpiry) {
        super(out);
        this.socket = socket;
        this.limitNanos = limit.toNanos();
        this.onExpiry = onExpiry;
    }

    void limit(Duration limit) {
        this.limitNanos = limit.toNanos();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        long now = System.nanoTime();
        writingSince = now == 0 ? 1 : now;
        try {
            out.write(b, off, len);
        } finally {
            writingSince = 0;
        }
    }

    /**
     * Called by the owner's sweep: a write that has taken longer than the limit ends now, by
     * closing the socket under it.
     */
    public void expireIfOverdue(long nowNanos) {
        long since = writingSince;
        if (since != 0 && nowNanos - since > limitNanos) {
            writingSince = 0; // once
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing is all we wanted; the blocked writer reports the failure.
            }
            onExpiry.run();
        }
    }
}
