package org.spfgate.config;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.spfgate.spf.SpfResult;

/**
 * {@code spf:} — how verdicts turn into actions.
 *
 * @param actions one action for each of the seven results (the loader fills missing ones with
 *                the defaults)
 * @param exemptRecipients local parts never refused for SPF (RFC 5321 4.5.1), lower case
 * @param dkimRescue results whose refusal waits for the end of DATA, where an aligned DKIM
 *                   signature (RFC 6376, RFC 7489 3.1.1) accepts the message instead; empty: off
 */
public record SpfConfig(
        Mode mode,
        boolean checkHelo,
        Map<SpfResult, Action> actions,
        List<String> exemptRecipients,
        Headers headers,
        Set<SpfResult> dkimRescue) {

    public SpfConfig {
        dkimRescue = dkimRescue.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(dkimRescue));
    }

    /** Without DKIM rescue. */
    public SpfConfig(Mode mode, boolean checkHelo, Map<SpfResult, Action> actions, List<String> exemptRecipients,
            Headers headers) {
        this(mode, checkHelo, actions, exemptRecipients, headers, Set.of());
    }

    public enum Mode { ENFORCE, REPORT_ONLY }

    public enum Action { ACCEPT, REJECT, DEFER }

    public record Headers(boolean receivedSpf, boolean authenticationResults) {
    }
}
