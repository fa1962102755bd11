package org.spfgate.policy;

import java.util.Locale;
import org.spfgate.spf.SpfResult;

/**
 * Why the gateway refused a recipient or a message, permanently or for now: the reason of a
 * policy {@link Verdict.Refusal}, and of every other refusal the session makes. One fixed set,
 * so that the {@code reason} label of spfgate_rejections_total stays bounded; the token is also
 * what the decision log writes as {@code reason=}.
 */
public enum RejectionReason {
    /** The MAIL FROM (or null-sender HELO) result's action was reject or defer. */
    SPF_PASS, SPF_FAIL, SPF_SOFTFAIL, SPF_NEUTRAL, SPF_NONE, SPF_TEMPERROR, SPF_PERMERROR,
    /** {@code check_helo} and the HELO identity failed (550 5.7.23). */
    HELO_FAIL,
    /** Recipient domain not in {@code domains}, or a relay trick (554 5.7.1). */
    RELAY_DENIED,
    /** A recipient address that is not valid syntax (501). */
    BAD_RECIPIENT,
    /** A sender address that is not valid syntax (501). */
    BAD_SENDER,
    /** Hostile or malformed command input: control characters, over-long values (501). */
    BAD_SYNTAX,
    /** {@code server.max_recipients} reached (452 4.5.3). */
    TOO_MANY_RECIPIENTS,
    /**
     * A recipient that would share a transaction with recipients whose SPF refusal waits for
     * DKIM ({@code spf.dkim_rescue}) while it is accepted anyway, or the other way round
     * (452 4.5.3: send it in a separate transaction).
     */
    SEPARATE_TRANSACTION,
    /** A DKIM key lookup failed in DNS while deciding a DKIM rescue (451 4.4.3). */
    DKIM_TEMPERROR,
    /** Beyond {@code server.max_message_size} (552 5.3.4). */
    MESSAGE_TOO_LARGE,
    /** A bare CR or LF with {@code bare_line_endings: reject} (550 5.6.0). */
    BARE_LINE_ENDING,
    /** SMTPUTF8 or 8BITMIME that the internal server does not offer (553 5.6.7, 554 5.6.3). */
    UNSUPPORTED_EXTENSION,
    /** The internal server refused the sender, a recipient or the message: its reply passed on. */
    DOWNSTREAM_REJECTED,
    /**
     * The internal server could not be reached, timed out, was lost or spoke no SMTP (451 4.4.1),
     * TLS to it failed (451 4.7.4, 4.7.5), all connections to it were busy (451 4.4.5), or the
     * delivery directory could not store the message (451 4.3.0).
     */
    DOWNSTREAM_UNAVAILABLE,
    /** The gateway is shutting down (421). */
    SHUTTING_DOWN,
    /** Too many recipients refused permanently in one connection: closed (421 4.7.0). */
    TOO_MANY_ERRORS,
    /** {@code server.max_transactions_per_ip} open transactions from the client's IP already (451 4.7.0 at MAIL). */
    TOO_MANY_TRANSACTIONS;

    private final String token = name().toLowerCase(Locale.ROOT);

    /** The label value, e.g. {@code spf_fail}. */
    public String token() {
        return token;
    }

    /** The reason an SPF result of the MAIL FROM identity gives when its action refuses. */
    public static RejectionReason forSpf(SpfResult result) {
        return switch (result) {
            case PASS -> SPF_PASS;
            case FAIL -> SPF_FAIL;
            case SOFTFAIL -> SPF_SOFTFAIL;
            case NEUTRAL -> SPF_NEUTRAL;
            case NONE -> SPF_NONE;
            case TEMPERROR -> SPF_TEMPERROR;
            case PERMERROR -> SPF_PERMERROR;
        };
    }

    /** An SPF result's action, or the HELO identity's fail. */
    boolean isSpf() {
        return name().startsWith("SPF_") || this == HELO_FAIL;
    }

    /** The refusals that can also be deferred: SPF's, and a DKIM rescue's DNS failure. */
    boolean isDeferrable() {
        return isSpf() || this == DKIM_TEMPERROR;
    }

    /**
     * What a policy {@link Verdict.Refusal} can carry: an SPF refusal, a recipient refused by
     * {@link RecipientPolicy}, or a DKIM rescue that could not be decided ({@link DkimRescue}).
     */
    boolean isPolicy() {
        return isSpf() || this == RELAY_DENIED || this == BAD_RECIPIENT || this == DKIM_TEMPERROR;
    }
}
