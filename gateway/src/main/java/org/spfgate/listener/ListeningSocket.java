package org.spfgate.listener;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The listening socket handed to SubEtha. Accepted clients are {@link ClientSocket}s, with the
 * deadlines of {@link ClientDeadlines}. It sets {@code TCP_NODELAY} on every accepted client
 * (without it Nagle's algorithm meets delayed ACKs: a 40 ms floor per reply), and it can stop
 * accepting before SubEtha itself stops: during a graceful shutdown the port is closed (new
 * clients are refused by the kernel) while the sessions in flight finish.
 */
final class ListeningSocket extends ServerSocket {

    /**
     * The kernel's send buffer for a client (Linux doubles it for its own bookkeeping). Replies are
     * small and an honest client reads them; left to autotuning it grew to megabytes per connection,
     * so a client that never reads could park tens of kilobytes of replies there (and hold kernel
     * memory) without the write deadline ever seeing a blocked write.
     */
    static final int CLIENT_SEND_BUFFER = 8 * 1024;
    /** How long {@link #stopAccepting()} waits for a blocked accept to give the port back. */
    private static final long ACCEPT_EXIT_WAIT_MILLIS = 2_000;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch acceptLeft = new CountDownLatch(1);
    private final ClientDeadlines deadlines;
    private volatile boolean acceptingStopped;
    private volatile boolean accepting;

    ListeningSocket(ClientDeadlines deadlines) throws IOException {
        super();
        this.deadlines = deadlines;
    }

    @Override
    public Socket accept() throws IOException {
        accepting = true;
        try {
            Socket client = deadlines.newSocket(); // its writes have the write deadline
            implAccept(client);
            accepting = false;
            client.setTcpNoDelay(true);
            client.setSendBufferSize(CLIENT_SEND_BUFFER);
            return client;
        } catch (SocketException closed) {
            accepting = false;
            if (acceptingStopped) {
                acceptLeft.countDown();
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

    /**
     * Closes the port; sessions already accepted are not touched. Returns once the kernel refuses
     * new clients: a socket closed while a virtual thread is blocked in {@code accept} is only
     * really closed when that thread leaves the call, so wait for it (bounded).
     */
    void stopAccepting() {
        acceptingStopped = true;
        try {
            close();
        } catch (IOException ignored) {
            // closing a listening socket that is already closed: nothing to do
        }
        if (accepting) {
            try {
                acceptLeft.await(ACCEPT_EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Releases the accept thread parked by {@link #stopAccepting()}. */
    void release() {
        stopped.countDown();
    }
}
