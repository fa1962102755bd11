package org.spfgate.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many sessions held open and idle after EHLO, the way slow or stalled senders hold a gateway's
 * connections. Opened by {@value #OPENERS} virtual threads in turn (the gateway's listen backlog
 * is small), each bounded by the count and a time limit.
 */
final class IdleSessions implements AutoCloseable {

    private static final int OPENERS = 50;

    private final ConcurrentLinkedQueue<Socket> sockets = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger failureCount = new AtomicInteger();

    private IdleSessions() {
    }

    static IdleSessions open(InetSocketAddress server, int count, Duration limit) throws InterruptedException {
        IdleSessions idle = new IdleSessions();
        AtomicInteger remaining = new AtomicInteger(count);
        long deadline = System.nanoTime() + limit.toNanos();
        ExecutorService openers = Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < OPENERS; i++) {
            openers.execute(() -> {
                while (remaining.getAndDecrement() > 0 && System.nanoTime() < deadline
                        && idle.failureCount.get() < 100) {
                    try {
                        idle.sockets.add(SmtpLoadClient.openIdle(server));
                    } catch (IOException e) {
                        if (idle.failureCount.incrementAndGet() <= 5) {
                            idle.failures.add(e.toString());
                        }
                    }
                }
            });
        }
        openers.shutdown();
        if (!openers.awaitTermination(limit.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
            openers.shutdownNow();
        }
        return idle;
    }

    int opened() {
        return sockets.size();
    }

    int failed() {
        return failureCount.get();
    }

    List<String> firstFailures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        sockets.clear();
    }
}
