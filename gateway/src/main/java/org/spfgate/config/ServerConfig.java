package org.spfgate.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code server:} — the public listener.
 *
 * @param tls            STARTTLS certificate and key; {@code null}: no STARTTLS
 * @param maxMessageSize bytes (MB = 10^6)
 * @param proxyProtocol  load balancers allowed to send a PROXY header; empty: off
 * @param tempDirectory  where a message held for a verdict spills when it is too large for
 *                       memory; {@code null}: the system's temporary directory
 * @param maxTransactionsPerIp open transactions (each holding a relay connection) one client IP
 *                       may have at once; the one beyond gets 451 4.7.0 at MAIL
 * @param listenBacklog  connections the kernel may hold completed but not yet accepted (the
 *                       {@code listen(2)} backlog; Linux caps it at {@code net.core.somaxconn})
 */
public record ServerConfig(
        String hostname,
        List<HostPort> listen,
        int maxConnections,
        int maxConnectionsPerIp,
        long maxMessageSize,
        int maxRecipients,
        Timeouts timeouts,
        TlsConfig tls,
        List<Cidr> proxyProtocol,
        BareLineEndings bareLineEndings,
        java.nio.file.Path tempDirectory,
        int maxTransactionsPerIp,
        int listenBacklog) {

    /** With the system's temporary directory and the built-in per-IP transaction limit and backlog. */
    public ServerConfig(String hostname, List<HostPort> listen, int maxConnections, int maxConnectionsPerIp,
            long maxMessageSize, int maxRecipients, Timeouts timeouts, TlsConfig tls, List<Cidr> proxyProtocol,
            BareLineEndings bareLineEndings) {
        this(hostname, listen, maxConnections, maxConnectionsPerIp, maxMessageSize, maxRecipients, timeouts, tls,
                proxyProtocol, bareLineEndings, null, ConfigDefaults.MAX_TRANSACTIONS_PER_IP,
                ConfigDefaults.listenBacklog(maxConnections));
    }

    /** The same settings listening on {@code addresses} instead. */
    public ServerConfig withListen(List<HostPort> addresses) {
        return new ServerConfig(hostname, addresses, maxConnections, maxConnectionsPerIp, maxMessageSize, maxRecipients,
                timeouts, tls, proxyProtocol, bareLineEndings, tempDirectory, maxTransactionsPerIp, listenBacklog);
    }

    /**
     * @param command a whole command line, from its first octet to its CRLF, and the wait for it
     *                (Postfix's smtpd_timeout with smtpd_per_record_deadline)
     * @param data    the wait for message data (per read)
     * @param write   one reply taken by the client (a client that never reads is dropped)
     * @param session a whole connection, from accept to close
     */
    public record Timeouts(Duration command, Duration data, Duration write, Duration session) {

        /** With the built-in {@code write} and {@code session} deadlines. */
        public Timeouts(Duration command, Duration data) {
            this(command, data, ConfigDefaults.WRITE_TIMEOUT, ConfigDefaults.SESSION_TIMEOUT);
        }
    }

    public record TlsConfig(java.nio.file.Path certificate, java.nio.file.Path key) {
    }

    /** What to do with a bare CR or bare LF in DATA (docs/contract.md §3). */
    public enum BareLineEndings { NORMALIZE, REJECT }
}
