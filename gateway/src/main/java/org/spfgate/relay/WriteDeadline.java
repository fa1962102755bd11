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
 * an internal server that stops reading mid-DATA would hang the session's thread forever once the
 * TCP buffers fill. Each write that reaches the socket arms a timer that closes the socket; the
 * blocked write then fails with an {@link IOException}, which the relay answers with 451 4.4.1.
 */
final class WriteDeadline extends FilterOutputStream {

    private final ScheduledExecutorService timer;
    private final Closeable socket;
    private volatile Duration limit;

    WriteDeadline(OutputStream out, Closeable socket, ScheduledExecutorService timer, Duration limit) {
        super(out);
        this.socket = socket;
        this.timer = timer;
        this.limit = limit;
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
    }
}
