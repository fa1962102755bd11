package org.spfgate.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads client sessions run on: a platform thread, reused, for as many sessions at once as
 * there are cores; a virtual thread for each session beyond.
 *
 * <p>Why both: a session spends its life blocked on a socket, waiting for the client or the
 * internal server, about ten times per message. A platform thread blocked in a read is woken by
 * the kernel directly; a virtual thread is woken through the JDK's poller and then a carrier
 * thread, two hand-offs per wait — at one session at a time that was 0.2 ms of latency per
 * message (docs/benchmarks.md). With many sessions at once virtual threads are the better deal:
 * the carriers go from one ready session to the next without the kernel switching threads, and
 * thousands of idle sessions cost a few kilobytes each. A handful of platform threads gives the
 * first without losing the second (measured with 1, 2, 4, 8 and 128 of them: beyond the number
 * of cores the busy case only got slower).
 */
final class SessionThreads extends AbstractExecutorService {

    /** Idle platform threads end after this; a new one is started when needed. */
    private static final long KEEP_ALIVE_SECONDS = 30;

    private final ExecutorService virtual = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("spfgate-session-v", 0).factory());
    private final ThreadPoolExecutor platform;

    SessionThreads() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** @param platformThreads how many sessions at once get a platform thread */
    SessionThreads(int platformThreads) {
        platform = new ThreadPoolExecutor(0, platformThreads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                Thread.ofPlatform().name("spfgate-session-p", 0).daemon().factory(),
                // no platform thread free: a virtual one (after shutdown the virtual executor refuses too)
                (session, pool) -> virtual.execute(session));
    }

    @Override
    public void execute(Runnable session) {
        platform.execute(session);
    }

    @Override
    public void shutdown() {
        platform.shutdown();
        virtual.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> never = new ArrayList<>(platform.shutdownNow());
        never.addAll(virtual.shutdownNow());
        return never;
    }

    @Override
    public boolean isShutdown() {
        return platform.isShutdown() && virtual.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return platform.isTerminated() && virtual.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout); // Long.MAX_VALUE for "forever": no deadline sum that overflows
        long start = System.nanoTime();
        return platform.awaitTermination(nanos, TimeUnit.NANOSECONDS)
                && virtual.awaitTermination(Math.max(0, nanos - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
    }
}
