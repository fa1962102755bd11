package org.spfgate.metrics;

import java.util.Locale;

/** How the listener dealt with a new connection: the {@code outcome} label of spfgate_connections_total. */
public enum ConnectionOutcome {
    /** Greeted with 220. */
    ACCEPTED,
    /** {@code server.max_connections} reached: 421 4.7.0. */
    REFUSED_LIMIT,
    /** {@code server.max_connections_per_ip} reached for the client IP: 421 4.7.0. */
    REFUSED_PER_IP,
    /** The gateway is shutting down: 421. */
    REFUSED_SHUTDOWN,
    /** A PROXY protocol header was missing, malformed, or sent by a source not allowed to. */
    REFUSED_PROXY;

    private final String token = name().toLowerCase(Locale.ROOT);

    /** The label value. */
    public String token() {
        return token;
    }
}
