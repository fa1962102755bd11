package org.spfgate.policy;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.spfgate.dkim.DkimResult;
import org.spfgate.dkim.DkimVerifier;
import org.spfgate.dkim.OrganizationalDomain;
import org.spfgate.message.MessageHead;

/**
 * The end-of-DATA verdict for a message whose SPF refusal waited for DKIM ({@code
 * spf.dkim_rescue}): rescued when a DKIM signature (RFC 6376) verifies whose {@code d=} has the
 * same organizational domain as the MAIL FROM domain (DMARC's relaxed alignment, RFC 7489
 * 3.1.1); otherwise the refusal that was waiting stands. Only aligned signatures are tried, so
 * a forger's own signature costs no key lookup. Thread-safe.
 */
public final class DkimRescue {

    /** What the end of DATA decided. */
    public sealed interface Outcome {
        /** An aligned signature verified: relay, and say so in Authentication-Results. */
        record Rescued(DkimResult signature) implements Outcome {
        }

        /** No aligned signature verified: {@code refusal} (the one from RCPT) answers the final dot. */
        record Refused(Verdict.Refusal refusal, List<DkimResult> tried) implements Outcome {
        }

        /** An aligned signature could not be checked (its key lookup failed in DNS): 451 4.4.3. */
        record Unverifiable(Verdict.Defer deferral, DkimResult signature) implements Outcome {
        }
    }

    private final DkimVerifier verifier;

    public DkimRescue(DkimVerifier verifier) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /**
     * @param waiting        the refusal the recipients were spared at RCPT
     * @param mailFromDomain the domain SPF checked (for the null sender: the HELO name's)
     * @param head           the message's header block
     * @param body           the bytes after it
     */
    public Outcome decide(Verdict.Refusal waiting, String mailFromDomain, MessageHead head, DkimVerifier.Body body)
            throws IOException {
        if (!head.complete()) {
            // A header block beyond the bound: its signatures cannot all be read.
            return new Outcome.Refused(waiting, List.of());
        }
        List<String> fields = head.fields().stream().map(MessageHead.Field::raw).toList();
        List<DkimResult> tried = verifier.verify(fields, body,
                domain -> OrganizationalDomain.aligned(domain, mailFromDomain));
        for (DkimResult result : tried) {
            if (result.passed()) {
                return new Outcome.Rescued(result);
            }
        }
        for (DkimResult result : tried) {
            if (result.outcome() == DkimResult.Outcome.TEMPERROR) {
                return new Outcome.Unverifiable(keyLookupFailed(result.domain()), result);
            }
        }
        return new Outcome.Refused(waiting, tried);
    }

    /** The deferral when the key of {@code signingDomain}'s signature cannot be looked up (451 4.4.3). */
    public static Verdict.Defer keyLookupFailed(String signingDomain) {
        return new Verdict.Defer(RejectionReason.DKIM_TEMPERROR,
                "temporary DNS error looking up the DKIM key of " + signingDomain + "; try again later");
    }
}
