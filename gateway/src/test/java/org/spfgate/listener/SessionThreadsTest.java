package org.spfgate.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30) // the waits below are for events; a broken executor fails here instead of hanging the build
class SessionThreadsTest {

    @Test
    void theFirstSessionsGetPlatformThreadsAndTheOnesBeyondVirtualOnes() throws Exception {
        SessionThreads threads = new SessionThreads(2);
        CountDownLatch running = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        List<Boolean> virtual = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 3; i++) {
            threads.execute(() -> {
                virtual.add(Thread.currentThread().isVirtual());
                running.countDown();
                await(release);
            });
        }
        assertTrue(running.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(false, false, true), virtual.stream().sorted().toList());
        release.countDown();
        threads.shutdown();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(threads.isTerminated());
    }

    @Test
    void aPlatformThreadFreedByItsSessionServesTheNext() throws Exception {
        SessionThreads threads = new SessionThreads(1);
        CompletableFuture<Thread> first = new CompletableFuture<>();
        threads.execute(() -> first.complete(Thread.currentThread()));
        Thread platform = first.get(10, TimeUnit.SECONDS);
        assertFalse(platform.isVirtual());
        while (platform.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait(); // until it waits for the next session
        }
        CompletableFuture<Thread> second = new CompletableFuture<>();
        threads.execute(() -> second.complete(Thread.currentThread()));
        assertSame(platform, second.get(10, TimeUnit.SECONDS));
        threads.shutdown();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void waitingForeverWaitsForTheVirtualSessionsToo() throws Exception {
        SessionThreads threads = new SessionThreads(1);
        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 2; i++) {
            threads.execute(() -> {
                running.countDown();
                await(release);
            });
        }
        assertTrue(running.await(10, TimeUnit.SECONDS));
        threads.shutdown();
        assertFalse(threads.awaitTermination(0, TimeUnit.SECONDS));
        CompletableFuture<Boolean> forever = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                forever.complete(threads.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS));
            } catch (InterruptedException e) {
                forever.completeExceptionally(e);
            }
        });
        while (waiter.getState() != Thread.State.WAITING && waiter.getState() != Thread.State.TIMED_WAITING
                && !forever.isDone()) {
            Thread.onSpinWait(); // until the waiter is blocked in awaitTermination
        }
        assertFalse(forever.isDone());
        release.countDown();
        assertTrue(forever.get(10, TimeUnit.SECONDS));
    }

    @Test
    void afterShutdownNewSessionsAreRefused() {
        SessionThreads threads = new SessionThreads(1);
        threads.shutdown();
        assertThrows(RejectedExecutionException.class, () -> threads.execute(() -> { }));
        assertTrue(threads.isShutdown());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
