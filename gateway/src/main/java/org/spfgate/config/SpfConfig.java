package org.spfgate.config;

import java.util.List;
import java.util.Map;
import org.spfgate.spf.SpfResult;

/**
 * {@code spf:} — how verdicts turn into actions.
 *
 * @param actions one action for each of the seven results (the loader fills missing ones with
 *                the defaults)
 * @param exemptRecipients local parts never refused for SPF (RFC 5321 4.5.1), lower case
 */
public record SpfConfig(
        Mode mode,
        boolean checkHelo,
        Map<SpfResult, Action> actions,
        List<String> exemptRecipients,
        Headers headers) {

    public enum Mode { ENFORCE, REPORT_ONLY }

    public enum Action { ACCEPT, REJECT, DEFER }

    public record Headers(boolean receivedSpf, boolean authenticationResults) {
    }
}
