package org.spfgate.policy;

import java.util.Objects;

/** What {@link RecipientPolicy#check} says about one RCPT TO address. */
public sealed interface RecipientCheck permits RecipientCheck.Accepted, RecipientCheck.Refused {

    /** Ours and clean: go on to the SPF verdict and the downstream RCPT. */
    record Accepted(Recipient recipient) implements RecipientCheck {
        public Accepted {
            Objects.requireNonNull(recipient, "recipient");
        }
    }

    /**
     * Not ours, a relay trick ({@link RejectionReason#RELAY_DENIED}, {@code 554 5.7.1}) or bad
     * syntax ({@link RejectionReason#BAD_RECIPIENT}, {@code 501 5.1.3}). Never forwarded.
     */
    record Refused(Verdict.Reject reject) implements RecipientCheck {
        public Refused {
            Objects.requireNonNull(reject, "reject");
        }
    }
}
