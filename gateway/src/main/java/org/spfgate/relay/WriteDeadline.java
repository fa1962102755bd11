package org.spfgate.relay;

import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A socket's output with a time limit per write. Java socket writes have no time-out of their own:
 * a peer that stops reading would hang the writing thread forever once the TCP buffers fill — an
 * internal server mid-DATA (the relay then answers 451 4.4.1), or a client that pipelines commands
 * and never reads our replies (the listener then drops it). Each write that reaches the socket
 * arms a timer that closes the socket; the blocked write then fails with an {@link IOException}.
 */
public final class WriteDeadline extends FilterOutputStream {

    private final ScheduledExecutorService timer;
    private final Closeable socket;
    private final Runnable onExpiry;
    private volatile Duration limit;

    WriteDeadline(OutputStream out, Closeable socket, ScheduledExecutorService timer, Duration limit) {
        this(out, socket, timer, limit, () -> { });
    }

    /** @param onExpiry run once the socket was closed because a write took longer than {@code limit} */
    public WriteDeadline(OutputStream out, Closeable socket, ScheduledExecutorService timer, Duration limit,
            Runnable onExpiry) {
        super(out);
        this.socket = socket;
        this.timer = timer;
        this.limit = limit;
        this.onExpiry = onExpiry;
    }

    void limit(Duration limit) {
        this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ScheduledFuture<?> alarm;
        try {
            alarm = timer.schedule(this::closeSocket, limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The downstream is shutting down: let the transactions in flight finish unguarded.
            out.write(b, off, len);
            return;
        }
        try {
            out.write(b, off, len);
        } finally {
            alarm.cancel(false);
        }
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all we wanted; the blocked writer reports the failure.
        }
        onExpiry.run();
    }
}
