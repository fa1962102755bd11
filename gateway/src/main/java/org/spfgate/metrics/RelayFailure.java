package org.spfgate.metrics;

import java.util.Locale;

/** Why a relay to the internal server did not end in 250: the {@code reason} label of spfgate_relay_failures_total. */
public enum RelayFailure {
    /** Could not connect (refused, no route, connect time-out). */
    UNREACHABLE,
    /** Connected, then a command or the data phase timed out. */
    TIMEOUT,
    /** The connection broke mid-transaction. */
    LOST,
    /** STARTTLS failed or was required and not offered. */
    TLS,
    /** The internal server answered 4xx or 5xx to the message. */
    REJECTED,
    /** The internal server said something that is not SMTP. */
    PROTOCOL,
    /** Without {@code relay:}, the delivery directory could not store the message. */
    STORAGE;

    private final String token = name().toLowerCase(Locale.ROOT);

    /** The label value. */
    public String token() {
        return token;
    }
}
