package org.spfgate.relay;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The time limits on waiting for the internal server ({@code relay.timeouts.command} and
 * {@code .data}), kept without a timer per read. A socket time-out ({@code SO_TIMEOUT}) on a
 * virtual thread arms and cancels a timer in the JDK's scheduler at every read that blocks, and
 * each of them wakes the scheduler's thread: under load that was a tenth of the gateway's CPU
 * (docs/benchmarks.md). Instead a connection notes when its wait must end, and one sweep on the
 * relay's timer thread, a few times per time-out, closes any connection whose wait has run out;
 * its blocked read then fails and is reported as a time-out.
 */
final class ReplyDeadlines {

    /** How many sweeps per shortest time-out: a time-out fires at most a tenth of itself late. */
    private static final int SWEEPS_PER_LIMIT = 10;
    private static final long MIN_SWEEP_MILLIS = 10;
    private static final long MAX_SWEEP_MILLIS = 1_000;

    private final Set<DownstreamConnection> open = ConcurrentHashMap.newKeySet();

    /**
     * @param shortest the shortest time-out a wait may have (the sweep runs often enough for it)
     */
    ReplyDeadlines(ScheduledExecutorService timer, Duration shortest) {
        long every = Math.clamp(shortest.toMillis() / SWEEPS_PER_LIMIT, MIN_SWEEP_MILLIS, MAX_SWEEP_MILLIS);
        timer.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    void opened(DownstreamConnection connection) {
        open.add(connection);
    }

    void closed(DownstreamConnection connection) {
        open.remove(connection);
    }

    private void sweep() {
        long now = System.nanoTime();
        for (DownstreamConnection c : open) {
            c.expireIfOverdue(now);
        }
    }

    /** Number of connections watched (for tests). */
    int watched() {
        return open.size();
    }
}
