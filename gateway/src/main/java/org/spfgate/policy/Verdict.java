package org.spfgate.policy;

import java.util.Objects;
import java.util.Optional;
import org.spfgate.relay.Reply;

/**
 * What the policy decided about one recipient of one transaction: a value, never an exception.
 * The session switches over it; {@link Refusal#reply()} is the one place where a decision
 * becomes an SMTP reply (code, enhanced status code and text), so every policy refusal code is
 * written down once, in {@link #replyFor}.
 */
public sealed interface Verdict permits Verdict.Accept, Verdict.Refusal {

    /** Refused now: permanently ({@link Reject}, 5xx) or for now ({@link Defer}, 4xx). */
    sealed interface Refusal extends Verdict permits Reject, Defer {

        /** Why, as a bounded token set (log and metric label). */
        RejectionReason reason();

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
    record Reject(RejectionReason reason, String detail) implements Refusal {
        public Reject {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            if (!reason.isPolicy()) {
                throw new IllegalArgumentException("not a policy refusal: " + reason);
            }
        }
    }

    /**
     * Refused for now (4xx): the client keeps the message and retries. Only SPF and DKIM defer:
     * both depend on DNS, which may answer later.
     */
    record Defer(RejectionReason reason, String detail) implements Refusal {
        public Defer {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            if (!reason.isDeferrable()) {
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

    /** Longest reply text we send: RFC 5321 4.5.3.1.5 limits a reply line to 512 octets. */
    int MAX_REPLY_TEXT = 400;

    /**
     * The reply table of every policy refusal, in one place. Enhanced status codes: RFC 3463, RFC 7372 (5.7.23
     * SPF validation failed, 5.7.24 SPF validation error), RFC 5321 (5.1.3 bad address syntax).
     */
    private static Reply replyFor(Refusal refusal) {
        RejectionReason reason = refusal.reason();
        String status;
        int code;
        if (refusal instanceof Reject) {
            code = switch (reason) {
                case RELAY_DENIED -> 554;
                case BAD_RECIPIENT -> 501;
                default -> 550;
            };
            status = switch (reason) {
                case RELAY_DENIED -> "5.7.1";
                case BAD_RECIPIENT -> "5.1.3";
                case SPF_PERMERROR, SPF_TEMPERROR -> "5.7.24";
                default -> "5.7.23";
            };
        } else {
            code = 451;
            // temperror keeps 4.4.3 (network/routing trouble), every other deferral is 4.7.24
            status = reason == RejectionReason.SPF_TEMPERROR || reason == RejectionReason.DKIM_TEMPERROR
                    ? "4.4.3" : "4.7.24";
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
