package org.spfgate.config;

/** {@code metrics:} — the Prometheus endpoint; {@code listen == null}: off. */
public record MetricsConfig(HostPort listen) {
}
