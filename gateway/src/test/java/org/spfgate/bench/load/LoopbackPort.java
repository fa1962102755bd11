package org.spfgate.bench.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Picking a free port of 127.0.0.1 for a child process, and waiting until it listens. */
final class LoopbackPort {

    private LoopbackPort() {
    }

    /** A port that was free a moment ago (the child binds it; a rare clash fails the start). */
    static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Returns once {@code port} accepts a connection; fails after {@code limit} or if {@code child} dies. */
    static void awaitListening(int port, Duration limit, Process child, String what) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                throw new IOException(what + " exited with status " + child.exitValue() + " before listening on " + port);
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                sleep(Duration.ofMillis(100));
            }
        }
        throw new IOException(what + " not listening on 127.0.0.1:" + port + " after " + limit);
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
