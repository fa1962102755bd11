package org.spfgate.policy;

import org.spfgate.config.SpfConfig;
import org.spfgate.spf.SpfVerdict;

/**
 * Turns SPF verdicts into a per-recipient {@link Verdict} at RCPT (SPEC section 3), from
 * {@code spf.actions}, {@code spf.mode}, {@code spf.check_helo} and {@code spf.exempt_recipients}.
 *
 * <p>Replies (made by {@link Verdict.Refusal#reply()}): fail or softfail (or, if so configured,
 * pass/neutral/none) with action reject: {@code 550 5.7.23} and the SPF explanation;
 * permerror or temperror with reject: {@code 550 5.7.24}; temperror with defer:
 * {@code 451 4.4.3}; any other result with defer: {@code 451 4.7.24}.
 *
 * <p>Order: a MAIL FROM reject first (its text names the sender's domain), then a HELO fail
 * (with {@code check_helo}, SPEC section 3: rejects even when MAIL FROM passes), then a MAIL
 * FROM defer — a message that will be refused anyway is not deferred. Other HELO results are
 * only recorded (headers, log). Exempt recipients are never refused for SPF; in report-only
 * mode nothing is refused. Both come back as {@link Verdict.Accept} carrying the refusal.
 *
 * <p>The null sender: the session passes the verdict of {@code checkMailFrom(ip, "", helo)},
 * which RFC 7208 2.4 defines as the check of {@code postmaster@<helo>}; it is judged like any
 * MAIL FROM verdict.
 */
public final class SpfPolicy {

    public SpfPolicy(SpfConfig config) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * @param mailFrom the MAIL FROM verdict (for the null sender: of {@code postmaster@<helo>})
     * @param helo     the HELO verdict, or {@code null} when the HELO identity was not checked;
     *                 ignored unless {@code check_helo} is on
     * @param recipient an accepted recipient (see {@link RecipientPolicy})
     */
    public Verdict decide(SpfVerdict mailFrom, SpfVerdict helo, Recipient recipient) {
        throw new UnsupportedOperationException("not yet");
    }
}
