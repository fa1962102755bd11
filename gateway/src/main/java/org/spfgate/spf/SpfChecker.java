package org.spfgate.spf;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * RFC 7208 {@code check_host()} and the two identities built on it. Thread-safe; one instance
 * serves the whole gateway. Each check runs on the caller's thread, asks DNS only through
 * {@link SpfDns}, and parses each distinct record text once for the life of the instance.
 *
 * <p>The deadline ({@code checkTimeout}, RFC 7208 4.6.4) is checked before every DNS question;
 * a question already sent is bounded by the DNS adapter's own query time-out.
 */
public final class SpfChecker {

    /** RFC 7208 4.6.4 suggests at least 20 seconds for the whole evaluation. */
    public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(20);

    /** RFC 7208 4.3: an empty local part is replaced by this. */
    private static final String POSTMASTER = "postmaster";

    private final SpfDns dns;
    private final String receiver;
    private final long timeoutNanos;
    private final RecordParser parser = new RecordParser();
    private final SpfTrace trace;

    /**
     * @param dns          where DNS questions go
     * @param receiver     our host name, for the {@code %{r}} macro and explanations
     * @param checkTimeout the whole evaluation's deadline (RFC 7208 4.6.4); past it: temperror;
     *                     {@code null} for {@link #DEFAULT_CHECK_TIMEOUT}
     */
    public SpfChecker(SpfDns dns, String receiver, Duration checkTimeout) {
        this(dns, receiver, checkTimeout, null);
    }

    /**
     * As {@link #SpfChecker(SpfDns, String, Duration)}, with every evaluation reported to
     * {@code trace} step by step. A trace watches one evaluation at a time: a checker with one is
     * for a single caller ({@code explain}, {@code check}), not for the gateway's sessions.
     *
     * @param trace where each evaluation is reported; {@code null}: nowhere
     */
    public SpfChecker(SpfDns dns, String receiver, Duration checkTimeout, SpfTrace trace) {
        this.trace = trace;
        this.dns = Objects.requireNonNull(dns, "dns");
        this.receiver = receiver == null ? "" : receiver;
        Duration timeout = checkTimeout == null ? DEFAULT_CHECK_TIMEOUT : checkTimeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("checkTimeout must be positive: " + timeout);
        }
        this.timeoutNanos = timeout.toNanos();
    }

    /**
     * The MAIL FROM identity (RFC 7208 2.4). {@code mailFrom} is the reverse-path without angle
     * brackets; empty for the null sender, which checks {@code postmaster@<helo>}; an address
     * without {@code @} is a bare domain checked as {@code postmaster@<domain>}.
     */
    public SpfVerdict checkMailFrom(InetAddress ip, String mailFrom, String helo) {
        String h = helo == null ? "" : helo;
        String from = mailFrom == null ? "" : mailFrom;
        if (from.isEmpty()) {
            // RFC 7208 2.4: the null reverse-path is checked as postmaster@<helo>.
            return checkHost(ip, h, POSTMASTER + "@" + h, h, SpfIdentity.MAILFROM);
        }
        int at = from.lastIndexOf('@');
        if (at < 0) {
            // RFC 7208 4.3: a sender without a local part is postmaster@<domain>.
            return checkHost(ip, from, POSTMASTER + "@" + from, h, SpfIdentity.MAILFROM);
        }
        return checkHost(ip, from.substring(at + 1), from, h, SpfIdentity.MAILFROM);
    }

    /** The HELO identity (RFC 7208 2.3): {@code check_host(ip, helo, postmaster@helo)}. */
    public SpfVerdict checkHelo(InetAddress ip, String helo) {
        String h = helo == null ? "" : helo;
        return checkHost(ip, h, POSTMASTER + "@" + h, h, SpfIdentity.HELO);
    }

    /**
     * {@code check_host(ip, domain, sender)} of RFC 7208 section 4, for either identity.
     *
     * @param ip       the SMTP client (an IPv4-mapped IPv6 address is treated as IPv4)
     * @param domain   the domain to evaluate (a trailing dot is ignored; U-labels become A-labels, RFC 8616 3)
     * @param sender   the {@code <sender>}: local part (empty means postmaster, RFC 7208 4.3),
     *                 {@code @} and domain
     * @param helo     the HELO/EHLO name for the {@code %{h}} macro and the verdict
     * @param identity which identity this check is about, recorded in the verdict
     */
    public SpfVerdict checkHost(InetAddress ip, String domain, String sender, String helo,
                                SpfIdentity identity) {
        InetAddress client = IpLiteral.unmapped(Objects.requireNonNull(ip, "ip"));
        String h = helo == null ? "" : helo;
        String name = DomainName.asciiForm(DomainName.withoutTrailingDot(domain == null ? "" : domain));
        int at = sender == null ? -1 : sender.lastIndexOf('@');
        String localPart = at <= 0 ? POSTMASTER : sender.substring(0, at);
        String writtenDomain = at < 0 ? name : DomainName.withoutTrailingDot(sender.substring(at + 1));
        String fullSender = localPart + "@" + writtenDomain;
        String senderDomain = DomainName.asciiForm(writtenDomain);
        String ipText = ClientIpText.readable(client);

        if (!DomainName.isValid(name)) {
            // RFC 7208 4.3: a malformed domain (or a domain literal) is "none", with no DNS query.
            SpfVerdict none = new SpfVerdict(SpfResult.NONE, identity, client, fullSender, name, h,
                    "'" + name + "' is not a valid domain name for SPF", null, 0);
            if (trace != null) {
                trace.finished(none, 0);
            }
            return none;
        }
        SpfEvaluation evaluation = new SpfEvaluation(dns, parser, System.nanoTime() + timeoutNanos,
                client, localPart + "@" + senderDomain, localPart, senderDomain, h, receiver, trace);
        SpfVerdict verdict = evaluate(evaluation, name, ipText, identity, client, fullSender, h);
        if (trace != null) {
            trace.finished(verdict, evaluation.voidLookups());
        }
        return verdict;
    }

    private static SpfVerdict evaluate(SpfEvaluation evaluation, String name, String ipText, SpfIdentity identity,
                                       InetAddress client, String fullSender, String h) {
        try {
            SpfEvaluation.Outcome outcome = evaluation.checkHost(name);
            String explanation = switch (outcome.result()) {
                case FAIL -> {
                    String exp = evaluation.explanation(outcome);
                    yield exp != null ? exp : defaultFailExplanation(name, ipText);
                }
                case PASS -> name + " designates " + ipText + " as permitted sender";
                case SOFTFAIL -> name + " does not designate " + ipText
                        + " as permitted sender but asks not to reject (softfail)";
                case NEUTRAL -> name + " neither permits nor denies " + ipText;
                case NONE -> name + " publishes no SPF record";
                case TEMPERROR, PERMERROR -> throw new IllegalStateException(outcome.toString());
            };
            return new SpfVerdict(outcome.result(), identity, client, fullSender, name, h, explanation,
                    outcome.decidedBy(), evaluation.dnsTerms());
        } catch (SpfAbort e) {
            return new SpfVerdict(e.result(), identity, client, fullSender, name, h,
                    e.result().token() + ": " + e.getMessage(), null, evaluation.dnsTerms());
        }
    }

    /** The explanation of a fail when the domain gives none (RFC 7208 6.2 leaves it to us). */
    static String defaultFailExplanation(String domain, String ipText) {
        return domain + " does not designate " + ipText + " as permitted sender";
    }
}
