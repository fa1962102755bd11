package org.spfgate.metrics;

import java.util.Locale;

/**
 * What the end of DATA made of a message whose SPF refusal waited for DKIM ({@code
 * spf.dkim_rescue}): the {@code outcome} label of spfgate_dkim_rescues_total.
 */
public enum DkimRescueOutcome {
    /** An aligned DKIM signature verified: the message was relayed despite SPF. */
    RESCUED,
    /** No aligned signature verified: the SPF refusal (550 5.7.23) answered the final dot. */
    REFUSED,
    /** A key lookup failed in DNS: 451 4.4.3, the client retries. */
    TEMPERROR;

    private final String token = name().toLowerCase(Locale.ROOT);

    /** The label value. */
    public String token() {
        return token;
    }
}
