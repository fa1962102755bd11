package org.spfgate.listener;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.CountDownLatch;

/**
 * The listening socket handed to SubEtha. It sets {@code TCP_NODELAY} on every accepted client
 * (without it Nagle's algorithm meets delayed ACKs: a 40 ms floor per reply), and it can stop
 * accepting before SubEtha itself stops: during a graceful shutdown the port is closed (new
 * clients are refused by the kernel) while the sessions in flight finish.
 */
final class ListeningSocket extends ServerSocket {

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean acceptingStopped;

    ListeningSocket() throws IOException {
        super();
    }

    @Override
    public Socket accept() throws IOException {
        try {
            Socket client = super.accept();
            client.setTcpNoDelay(true);
            return client;
        } catch (SocketException closed) {
            if (acceptingStopped) {
                // SubEtha's accept loop logs and retries every second on a closed socket until its
                // own shutdown: park it quietly until then (its shutdown interrupts this thread).
                try {
                    stopped.await();
                } catch (InterruptedException shutdown) {
                    Thread.currentThread().interrupt();
                }
            }
            throw closed;
        }
    }

    /** Closes the port; sessions already accepted are not touched. */
    void stopAccepting() {
        acceptingStopped = true;
        try {
            close();
        } catch (IOException ignored) {
            // closing a listening socket that is already closed: nothing to do
        }
    }

    /** Releases the accept thread parked by {@link #stopAccepting()}. */
    void release() {
        stopped.countDown();
    }
}
