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
        java.nio.file.Path tempDirectory) {

    /** With the system's temporary directory. */
    public ServerConfig(String hostname, List<HostPort> listen, int maxConnections, int maxConnectionsPerIp,
            long maxMessageSize, int maxRecipients, Timeouts timeouts, TlsConfig tls, List<Cidr> proxyProtocol,
            BareLineEndings bareLineEndings) {
        this(hostname, listen, maxConnections, maxConnectionsPerIp, maxMessageSize, maxRecipients, timeouts, tls,
                proxyProtocol, bareLineEndings, null);
    }

    public record Timeouts(Duration command, Duration data) {
    }

    public record TlsConfig(java.nio.file.Path certificate, java.nio.file.Path key) {
    }

    /** What to do with a bare CR or bare LF in DATA (docs/contract.md §3). */
    public enum BareLineEndings { NORMALIZE, REJECT }
}
