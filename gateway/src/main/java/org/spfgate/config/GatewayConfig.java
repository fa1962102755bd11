package org.spfgate.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The whole configuration (docs/contract.md §2), one immutable tree. Built by the loader from YAML or
 * from built-in defaults; every other package reads only these records.
 *
 * @param relay the internal server; {@code null} when absent: deliver to {@code deliverToDirectory}
 */
public record GatewayConfig(
        ServerConfig server,
        List<String> domains,
        RelayConfig relay,
        Path deliverToDirectory,
        DnsConfig dns,
        SpfConfig spf,
        List<TrustedEntry> trusted,
        MetricsConfig metrics,
        LogConfig log) {
}
