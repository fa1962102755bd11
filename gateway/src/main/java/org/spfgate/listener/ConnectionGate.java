package org.spfgate.listener;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.spfgate.config.ServerConfig;
import org.spfgate.metrics.ConnectionOutcome;
import org.spfgate.metrics.GatewayMetrics;
import org.spfgate.session.SmtpSession;
import org.spfgate.session.Sessions;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * Admits or refuses each new connection before the greeting, and keeps the per-connection
 * {@link SmtpSession} for the commands. Refusals: over {@code max_connections}
 * or over {@code max_connections_per_ip} from one client IP (the PROXY-protocol source when
 * enabled): {@code 421 4.7.0}; while shutting down: {@code 421 4.3.2}. Shared by all listen
 * addresses, so the limits hold for the whole gateway.
 */
public final class ConnectionGate implements SessionHandler, AutoCloseable {

    private final int maxConnections;
    private final int maxConnectionsPerIp;
    private final Sessions sessions;
    private final GatewayMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, Integer> perIp = new ConcurrentHashMap<>();
    private final Map<Session, Connection> connections = new ConcurrentHashMap<>();
    private final ClientDeadlines deadlines;
    private volatile boolean shuttingDown;

    /** @param timeouts {@code server.timeouts}: the command-line, session and write deadlines of every connection */
    public ConnectionGate(int maxConnections, int maxConnectionsPerIp, ServerConfig.Timeouts timeouts,
            Sessions sessions, GatewayMetrics metrics) {
        this.maxConnections = maxConnections;
        this.maxConnectionsPerIp = maxConnectionsPerIp;
        this.sessions = sessions;
        this.metrics = metrics;
        this.deadlines = new ClientDeadlines(timeouts, metrics, connections::values);
    }

    ClientDeadlines deadlines() {
        return deadlines;
    }

    @Override
    public SessionAcceptance accept(Session session) {
        if (shuttingDown) {
            metrics.connectionOpened(ConnectionOutcome.REFUSED_SHUTDOWN);
            return SessionAcceptance.failure(421, "4.3.2 Service shutting down, try again later");
        }
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            metrics.connectionOpened(ConnectionOutcome.REFUSED_LIMIT);
            return SessionAcceptance.failure(421, "4.7.0 Too many connections, try again later");
        }
        InetAddress ip = session.getRemoteAddress().getAddress();
        int fromThisIp = perIp.merge(ip, 1, Integer::sum);
        if (fromThisIp > maxConnectionsPerIp) {
            release(ip);
            metrics.connectionOpened(ConnectionOutcome.REFUSED_PER_IP);
            return SessionAcceptance.failure(421, "4.7.0 Too many connections from " + ip.getHostAddress()
                    + ", try again later");
        }
        connections.put(session, new Connection(session, sessions.open(ip),
                session.getSocket() instanceof ClientSocket client ? client : null));
        metrics.connectionOpened(ConnectionOutcome.ACCEPTED);
        metrics.sessionStarted();
        return SessionAcceptance.success();
    }

    @Override
    public void onSessionEnd(Session session) {
        Connection connection = connections.remove(session);
        if (connection != null) {
            connection.smtp().close();
            metrics.sessionEnded();
        }
        release(session.getRemoteAddress().getAddress());
    }

    private void release(InetAddress ip) {
        perIp.computeIfPresent(ip, (k, n) -> n == 1 ? null : n - 1);
        open.decrementAndGet();
    }

    /** The connection a command arrived on; {@code null} if the gate never admitted it. */
    Connection connection(Session session) {
        return connections.get(session);
    }

    /** From now on new connections and new transactions get {@code 421 4.3.2}. */
    public void beginShutdown() {
        shuttingDown = true;
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }

    /**
     * Closes every connection that is between transactions and not executing a command, with
     * {@code 421 4.3.2} (RFC 5321 3.8: a server shutting down may send 421 at any time).
     *
     * @return how many connections are still open (busy with a transaction)
     */
    public int closeIdleConnections() {
        for (Connection connection : List.copyOf(connections.values())) {
            connection.closeIfIdle();
        }
        return connections.size();
    }

    public int openConnections() {
        return open.get();
    }

    /** Stops the deadline timer (after the listeners have stopped). */
    @Override
    public void close() {
        deadlines.close();
    }
}
