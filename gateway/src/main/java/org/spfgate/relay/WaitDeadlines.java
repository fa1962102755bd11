package org.spfgate.relay;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Time limits on waiting for the internal server ({@code relay.timeouts}): for its replies and for
 * it to take what we write. Kept without a timer per read or write (the client side does the same
 * in the listener's deadline sweep). A socket time-out ({@code SO_TIMEOUT}) on a virtual thread
 * arms and cancels a timer in the JDK's scheduler at every read that blocks, and each of them
 * wakes the scheduler's thread: under load that was about a sixth of the gateway's CPU
 * (docs/benchmarks.md). Instead each connection notes when its wait or write began, and one
 * sweep, a few times per time-out, ends the ones that have run out; the blocked read or write then
 * fails as a time-out would have.
 */
public final class WaitDeadlines {

    /** A connection that may be waiting for its peer. */
    public interface Wait {
        /** Ends the wait or write (closing the connection under it) if it has run out. */
        void expireIfOverdue(long nowNanos);
    }

    /** How many sweeps per shortest time-out: a time-out fires at most a tenth of itself late. */
    private static final int SWEEPS_PER_LIMIT = 10;
    private static final long MIN_SWEEP_MILLIS = 10;
    private static final long MAX_SWEEP_MILLIS = 1_000;

    private final Set<Wait> watched = ConcurrentHashMap.newKeySet();

    /**
     * @param timer    runs the sweep (a thread that never blocks on the network)
     * @param shortest the shortest time-out a wait may have: the sweep runs often enough for it
     */
    public WaitDeadlines(ScheduledExecutorService timer, Duration shortest) {
        long every = Math.clamp(shortest.toMillis() / SWEEPS_PER_LIMIT, MIN_SWEEP_MILLIS, MAX_SWEEP_MILLIS);
        timer.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    public void watch(Wait wait) {
        watched.add(wait);
    }

    public void unwatch(Wait wait) {
        watched.remove(wait);
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Wait w : watched) {
            w.expireIfOverdue(now);
        }
    }
}
