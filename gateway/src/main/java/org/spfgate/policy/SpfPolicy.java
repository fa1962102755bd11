package org.spfgate.policy;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.spfgate.config.SpfConfig;
import org.spfgate.config.SpfConfig.Action;
import org.spfgate.policy.Verdict.Accept;
import org.spfgate.policy.Verdict.Defer;
import org.spfgate.policy.Verdict.Refusal;
import org.spfgate.policy.Verdict.Reject;
import org.spfgate.policy.Verdict.Waiver;
import org.spfgate.spf.SpfResult;
import org.spfgate.spf.SpfVerdict;

/**
 * Turns SPF verdicts into a per-recipient {@link Verdict} at RCPT, from {@code spf.actions},
 * {@code spf.mode}, {@code spf.check_helo} and {@code spf.exempt_recipients}. The reply each
 * refusal gets is written in one place, {@link Verdict.Refusal#reply()}.
 *
 * <p>Order: a MAIL FROM reject first (its text names the sender's domain), then a HELO fail
 * (with {@code check_helo}: rejects even when MAIL FROM passes, and whatever
 * {@code actions.fail} says), then a MAIL FROM defer — a message that will be refused anyway is
 * not deferred. Other HELO results are only recorded (headers, log). Exempt recipients are
 * never refused for SPF; in report-only mode nothing is refused. Both come back as
 * {@link Verdict.Accept} carrying the refusal; an exempt recipient is reported as
 * {@link Waiver#EXEMPT_RECIPIENT} in either mode, so "would reject" counts what enforce mode
 * would refuse. A MAIL FROM reject whose result is listed in {@code spf.dkim_rescue} comes back
 * as {@link Waiver#AWAITING_DKIM}: accepted for now, decided at the end of DATA.
 *
 * <p>The null sender: the session passes the verdict of {@code checkMailFrom(ip, "", helo)},
 * which RFC 7208 2.4 defines as the check of {@code postmaster@<helo>}; it is judged like any
 * MAIL FROM verdict.
 */
public final class SpfPolicy {

    private final boolean reportOnly;
    private final boolean checkHelo;
    private final Map<SpfResult, Action> actions;
    private final List<String> exemptRecipients;
    private final Set<SpfResult> dkimRescue;

    public SpfPolicy(SpfConfig config) {
        this.reportOnly = config.mode() == SpfConfig.Mode.REPORT_ONLY;
        this.checkHelo = config.checkHelo();
        this.actions = Map.copyOf(config.actions());
        this.exemptRecipients = List.copyOf(config.exemptRecipients());
        this.dkimRescue = Set.copyOf(config.dkimRescue());
    }

    /**
     * @param mailFrom  the MAIL FROM verdict (for the null sender: of {@code postmaster@<helo>})
     * @param helo      the HELO verdict, or {@code null} when the HELO identity was not checked;
     *                  ignored unless {@code check_helo} is on
     * @param recipient an accepted recipient (see {@link RecipientPolicy})
     */
    public Verdict decide(SpfVerdict mailFrom, SpfVerdict helo, Recipient recipient) {
        Objects.requireNonNull(mailFrom, "mailFrom");
        Objects.requireNonNull(recipient, "recipient");
        Refusal refusal = refusal(mailFrom, checkHelo ? helo : null);
        if (refusal == null) {
            return Accept.PLAIN;
        }
        // RFC 5321 4.5.1: postmaster (and the configured others) must stay reachable
        if (recipient.hasLocalPartIn(exemptRecipients)) {
            return Accept.waived(refusal, Waiver.EXEMPT_RECIPIENT);
        }
        if (reportOnly) {
            return Accept.waived(refusal, Waiver.REPORT_ONLY);
        }
        // spf.dkim_rescue: the MAIL FROM refusal waits for the end of DATA, where an aligned
        // DKIM signature can lift it (RFC 7489 3.1.1). A HELO fail is not the sender's result.
        if (refusal instanceof Reject && refusal.reason() == RejectionReason.forSpf(mailFrom.result())
                && dkimRescue.contains(mailFrom.result())) {
            return Accept.waived(refusal, Waiver.AWAITING_DKIM);
        }
        return refusal;
    }

    /** What enforce mode would refuse for this transaction, or {@code null}. */
    private Refusal refusal(SpfVerdict mailFrom, SpfVerdict helo) {
        Action action = actions.getOrDefault(mailFrom.result(), Action.ACCEPT);
        if (action == Action.REJECT) {
            return new Reject(RejectionReason.forSpf(mailFrom.result()), detail(mailFrom, false));
        }
        // RFC 7208 2.3: with check_helo, a HELO fail refuses even when MAIL FROM would pass
        if (helo != null && helo.result() == SpfResult.FAIL) {
            return new Reject(RejectionReason.HELO_FAIL, failText(helo));
        }
        if (action == Action.DEFER) {
            return new Defer(RejectionReason.forSpf(mailFrom.result()), detail(mailFrom, true));
        }
        return null;
    }

    private static String detail(SpfVerdict v, boolean deferred) {
        String domain = v.domain();
        String ip = ipText(v.clientIp());
        String later = deferred ? "; try again later" : "";
        return switch (v.result()) {
            case FAIL -> failText(v) + later;
            case SOFTFAIL -> domain + " does not designate " + ip + " as permitted sender (SPF softfail)" + later;
            case TEMPERROR -> "temporary SPF error for " + domain + withProblem(v) + later;
            case PERMERROR -> "SPF record of " + domain + " is invalid" + withProblem(v) + later;
            case PASS, NEUTRAL, NONE ->
                "SPF " + v.result().token() + " for " + domain + " and " + ip + " is not accepted here" + later;
        };
    }

    /** RFC 7208 8.4: the explanation (the domain's {@code exp=} or the default) goes to the client. */
    private static String failText(SpfVerdict v) {
        String explanation = v.explanation();
        if (explanation != null && !explanation.isBlank()) {
            return explanation;
        }
        return v.domain() + " does not designate " + ipText(v.clientIp()) + " as permitted sender";
    }

    private static String withProblem(SpfVerdict v) {
        String problem = v.explanation();
        return problem == null || problem.isBlank() ? "" : ": " + problem;
    }

    /** RFC 5952 text for IPv6 ({@code 2001:db8::1}), dotted quad for IPv4. */
    static String ipText(InetAddress ip) {
        IPAddress address = new IPAddressString(ip.getHostAddress()).getAddress();
        return address == null ? ip.getHostAddress() : address.toCanonicalString();
    }
}
