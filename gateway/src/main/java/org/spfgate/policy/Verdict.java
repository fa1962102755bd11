package org.spfgate.policy;

import java.util.Objects;
import java.util.Optional;
import org.spfgate.relay.Reply;
import org.spfgate.spf.SpfResult;

/**
 * What the policy decided about one recipient of one transaction: a value, never an exception.
 * The session switches over it; {@link Refusal#reply()} is the one place where a decision
 * becomes an SMTP reply (code, enhanced status code and text), so every refusal code of SPEC
 * section 3 is written down once, in {@link #replyFor}.
 */
public sealed interface Verdict permits Verdict.Accept, Verdict.Refusal {

    /** Refused now: permanently ({@link Reject}, 5xx) or for now ({@link Defer}, 4xx). */
    sealed interface Refusal extends Verdict permits Reject, Defer {

        /** Why, as a bounded token set (log and metric label). */
        Reason reason();

        /** The human text after the enhanced status code, before sanitising. */
        String detail();

        /** The reply our client gets, e.g. {@code 550 5.7.23 example.com does not designate ...}. */
        default Reply reply() {
            return replyFor(this);
        }
    }

    /**
     * Go on (to the downstream RCPT). When a refusal was waived — {@code spf.mode: report-only},
     * or an exempt recipient — {@code wouldHaveBeen} holds it for the log and metrics.
     */
    record Accept(Optional<Refusal> wouldHaveBeen, Waiver waiver) implements Verdict {

        /** Nothing to refuse. */
        public static final Accept PLAIN = new Accept(Optional.empty(), Waiver.NONE);

        public Accept {
            Objects.requireNonNull(wouldHaveBeen, "wouldHaveBeen");
            Objects.requireNonNull(waiver, "waiver");
            if (wouldHaveBeen.isPresent() == (waiver == Waiver.NONE)) {
                throw new IllegalArgumentException("a waived refusal needs a waiver, and only then");
            }
        }

        /** Accepts although {@code refusal} was decided, because of {@code waiver}. */
        public static Accept waived(Refusal refusal, Waiver waiver) {
            return new Accept(Optional.of(refusal), waiver);
        }
    }

    /** Refused permanently (5xx). */
    record Reject(Reason reason, String detail) implements Refusal {
        public Reject {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * Refused for now (4xx): the client keeps the message and retries. Only SPF and DKIM defer:
     * both depend on DNS, which may answer later.
     */
    record Defer(Reason reason, String detail) implements Refusal {
        public Defer {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            if (!reason.isSpf()) {
                throw new IllegalArgumentException("only an SPF or DKIM result can be deferred: " + reason);
            }
        }
    }

    /** Why an accept still carries a refusal. */
    enum Waiver {
        NONE,
        /** {@code spf.mode: report-only}: stamp and count, never refuse. */
        REPORT_ONLY,
        /** The recipient's local part is in {@code spf.exempt_recipients} (RFC 5321 4.5.1). */
        EXEMPT_RECIPIENT,
        /**
         * The MAIL FROM result is listed in {@code spf.dkim_rescue}: the refusal waits for the
         * end of DATA, where an aligned DKIM signature lifts it ({@link DkimRescue}).
         */
        AWAITING_DKIM
    }

    /** The reasons a recipient is refused by policy; {@link #token()} is the metric label. */
    enum Reason {
        /** Domain not in {@code domains}, or a relay trick (%, !, source route, second @). */
        RELAY_DENIED("relay_denied"),
        /** The address is not a valid RFC 5321 forward-path. */
        RECIPIENT_SYNTAX("recipient_syntax"),
        SPF_PASS("spf_pass"),
        SPF_FAIL("spf_fail"),
        SPF_SOFTFAIL("spf_softfail"),
        SPF_NEUTRAL("spf_neutral"),
        SPF_NONE("spf_none"),
        SPF_TEMPERROR("spf_temperror"),
        SPF_PERMERROR("spf_permerror"),
        /** {@code check_helo} and the HELO identity failed (SPEC section 3). */
        HELO_FAIL("helo_fail"),
        /** A DKIM key lookup failed in DNS while a rescue was being decided (451 4.4.3). */
        DKIM_TEMPERROR("dkim_temperror");

        private final String token;

        Reason(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }

        /** The reason an SPF result gives when its action refuses. */
        public static Reason forSpf(SpfResult result) {
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

        boolean isSpf() {
            return this != RELAY_DENIED && this != RECIPIENT_SYNTAX;
        }
    }

    /** Longest reply text we send: RFC 5321 4.5.3.1.5 limits a reply line to 512 octets. */
    int MAX_REPLY_TEXT = 400;

    /**
     * The SPEC section 3 table, in one place. Enhanced status codes: RFC 3463, RFC 7372 (5.7.23
     * SPF validation failed, 5.7.24 SPF validation error), RFC 5321 (5.1.3 bad address syntax).
     */
    private static Reply replyFor(Refusal refusal) {
        Reason reason = refusal.reason();
        String status;
        int code;
        if (refusal instanceof Reject) {
            code = switch (reason) {
                case RELAY_DENIED -> 554;
                case RECIPIENT_SYNTAX -> 501;
                default -> 550;
            };
            status = switch (reason) {
                case RELAY_DENIED -> "5.7.1";
                case RECIPIENT_SYNTAX -> "5.1.3";
                case SPF_PERMERROR, SPF_TEMPERROR -> "5.7.24";
                default -> "5.7.23";
            };
        } else {
            code = 451;
            // temperror keeps 4.4.3 (network/routing trouble), every other deferral is 4.7.24
            status = reason == Reason.SPF_TEMPERROR || reason == Reason.DKIM_TEMPERROR ? "4.4.3" : "4.7.24";
        }
        return new Reply(code, status + " " + replyText(refusal.detail()));
    }

    /**
     * Reply text is printable US-ASCII only (RFC 5321 4.2: textstring); explanations come from
     * DNS (exp=) and may carry anything, so everything else becomes {@code ?}.
     */
    private static String replyText(String detail) {
        StringBuilder out = new StringBuilder(Math.min(detail.length(), MAX_REPLY_TEXT));
        for (int i = 0; i < detail.length() && out.length() < MAX_REPLY_TEXT; i++) {
            char c = detail.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : (c == '\t' || c == '\r' || c == '\n' ? ' ' : '?'));
        }
        String text = out.toString().strip();
        return text.isEmpty() ? "refused by policy" : text;
    }
}
