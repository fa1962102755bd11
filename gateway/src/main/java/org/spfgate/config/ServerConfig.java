package org.spfgate.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code server:} — the public listener.
 *
 * @param tls            STARTTLS certificate and key; {@code null}: no STARTTLS
 * @param maxMessageSize bytes (MB = 10^6)
 * @param proxyProtocol  load balancers allowed to send a PROXY header; empty: off
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
        int listenBacklog) {

    /** The same settings listening on {@code addresses} instead. */
    public ServerConfig withListen(List<HostPort> addresses) {
        return new ServerConfig(hostname, addresses, maxConnections, maxConnectionsPerIp, maxMessageSize, maxRecipients,
                timeouts, tls, proxyProtocol, bareLineEndings, listenBacklog);
    }

    public record Timeouts(Duration command, Duration data) {
    }

    public record TlsConfig(java.nio.file.Path certificate, java.nio.file.Path key) {
    }

    /** What to do with a bare CR or bare LF in DATA (SPEC section 3). */
    public enum BareLineEndings { NORMALIZE, REJECT }
}
