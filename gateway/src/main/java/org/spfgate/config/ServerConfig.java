package org.spfgate.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code server:} — the public listener.
 *
 * @param tls            STARTTLS certificate and key; {@code null}: no STARTTLS
 * @param maxMessageSize bytes (MB = 10^6)
 * @param proxyProtocol  load balancers allowed to send a PROXY header; empty: off
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
        BareLineEndings bareLineEndings) {

    public record Timeouts(Duration command, Duration data) {
    }

    public record TlsConfig(java.nio.file.Path certificate, java.nio.file.Path key) {
    }

    /** What to do with a bare CR or bare LF in DATA (docs/contract.md §3). */
    public enum BareLineEndings { NORMALIZE, REJECT }
}
