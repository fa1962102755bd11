package org.spfgate.session;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open transactions of each client IP, across all its connections. Each open transaction
 * holds one connection to the internal server from MAIL to its end, and there are only
 * {@code relay.connections} of those: a few addresses that open transactions and then stall
 * (never reading a reply, dribbling) must not be able to take them all and stop everyone's mail.
 * Thread-safe.
 */
final class ClientTransactions {

    private final int maxPerClient;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();

    ClientTransactions(int maxPerClient) {
        this.maxPerClient = maxPerClient;
    }

    /** Takes a slot for {@code client}; false (nothing taken) when it already holds its maximum. */
    boolean tryOpen(InetAddress client) {
        boolean[] taken = new boolean[1];
        open.compute(client, (ip, n) -> {
            int now = n == null ? 0 : n;
            if (now >= maxPerClient) {
                return n;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    /** Gives back a slot taken by {@link #tryOpen}. */
    void close(InetAddress client) {
        open.computeIfPresent(client, (ip, n) -> n == 1 ? null : n - 1);
    }
}
