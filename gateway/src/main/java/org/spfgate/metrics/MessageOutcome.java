package org.spfgate.metrics;

import java.util.Locale;

/** How a transaction (one message) ended: the {@code outcome} label of spfgate_messages_total (docs/contract.md §6). */
public enum MessageOutcome {
    /** The internal server answered 250 to the final dot and so did we. */
    RELAYED,
    /** We (or the internal server) refused it with a 5xx. */
    REJECTED,
    /** We (or the internal server) answered 4xx: the client retries later. */
    DEFERRED;

    private final String token = name().toLowerCase(Locale.ROOT);

    /** The label value. */
    public String token() {
        return token;
    }
}
