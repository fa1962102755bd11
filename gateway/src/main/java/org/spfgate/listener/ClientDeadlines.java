package org.spfgate.listener;

import java.net.SocketException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.spfgate.config.ServerConfig;
import org.spfgate.metrics.ClientDeadline;
import org.spfgate.metrics.GatewayMetrics;

/**
 * The deadlines a client connection cannot stretch by sending or taking bytes slowly, each
 * closing it and counted in spfgate_client_deadlines_total:
 * <ul>
 *   <li>{@code server.timeouts.command} for a whole command line, from its first octet to its
 *       CRLF (the per-read time-out alone let a client dribbling one octet every few seconds keep
 *       its session for as long as it liked; Postfix bounds a whole record the same way with
 *       smtpd_per_record_deadline): {@code 421 4.4.2};</li>
 *   <li>{@code server.timeouts.session} for the whole connection: {@code 421 4.4.2};</li>
 *   <li>{@code server.timeouts.write} for each reply to be taken by the client
 *       ({@link ClientSocket}): a client that pipelines and never reads is closed without a reply.</li>
 * </ul>
 * Idle time before a command's first octet stays SubEtha's per-read time-out, with its reply.
 * One timer thread serves every connection: it looks over the open connections a few times a
 * second (no timer is armed per reply: that was several per message).
 */
final class ClientDeadlines implements AutoCloseable {

    static final String COMMAND_REPLY = "421 4.4.2 Command not completed in time, closing connection";
    static final String SESSION_REPLY = "421 4.4.2 Session time limit reached, closing connection";
    private static final long SWEEP_MILLIS = 200;

    private final ScheduledThreadPoolExecutor timer = timer();
    private final long commandNanos;
    private final long sessionNanos;
    private final Duration write;
    private final GatewayMetrics metrics;

    ClientDeadlines(ServerConfig.Timeouts timeouts, GatewayMetrics metrics, Supplier<Collection<Connection>> open) {
        this.commandNanos = timeouts.command().toNanos();
        this.sessionNanos = timeouts.session().toNanos();
        this.write = timeouts.write();
        this.metrics = metrics;
        timer.scheduleWithFixedDelay(() -> sweep(open.get()), SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** One platform thread: the sweep never blocks on the network. */
    private static ScheduledThreadPoolExecutor timer() {
        return new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("spfgate-client-deadlines").daemon().factory());
    }

    /** An unconnected socket for {@link java.net.ServerSocket#implAccept} whose writes have the write deadline. */
    ClientSocket newSocket() throws SocketException {
        return new ClientSocket(write, () -> metrics.clientDeadlinePassed(ClientDeadline.WRITE));
    }

    private void sweep(Collection<Connection> connections) {
        long now = System.nanoTime();
        for (Connection connection : List.copyOf(connections)) {
            connection.expireIfOverdue(now);
            ClientDeadline passed = connection.overdue(now, commandNanos, sessionNanos);
            if (passed != null) {
                metrics.clientDeadlinePassed(passed);
                String reply = passed == ClientDeadline.SESSION ? SESSION_REPLY : COMMAND_REPLY;
                // the reply may itself wait for the write deadline: not on the timer thread
                Thread.ofVirtual().name("spfgate-deadline").start(() -> connection.expire(reply));
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
