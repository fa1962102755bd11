package org.spfgate.policy;

import java.util.Collection;

/**
 * The open-relay guard at RCPT (SPEC section 3 "Recipients", issue 3): a recipient is accepted
 * only when the domain after its single unquoted {@code @} is exactly (case-insensitively, no
 * trailing dot) one of {@code domains}. Relay tricks — {@code %}, {@code !}, source routes
 * ({@code @a:b@c}), a second unquoted {@code @}, a quoted local part hiding {@code @ % !}
 * ({@code "user@other"@ours}) — are refused with {@code 554 5.7.1}; plain syntax errors
 * (empty local part, control characters, over-long parts) with {@code 501 5.1.3}. Other valid
 * quoted local parts are accepted. Thread-safe, no DNS.
 */
public final class RecipientPolicy {

    /** @param domains the {@code domains:} of the config; case and a trailing dot are ignored */
    public RecipientPolicy(Collection<String> domains) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * @param forwardPath the RCPT TO address without angle brackets, exactly as the client wrote it
     */
    public RecipientCheck check(String forwardPath) {
        throw new UnsupportedOperationException("not yet");
    }
}
