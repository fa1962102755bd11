package org.spfgate.dkim;

/**
 * What checking one {@code DKIM-Signature} field came to.
 *
 * @param domain    the signing domain, {@code d=} (empty when the field could not be parsed)
 * @param selector  {@code s=}
 * @param outcome   as RFC 8601 2.7.1 names the results
 * @param reason    why it did not pass, in words (empty on pass)
 */
public record DkimResult(String domain, String selector, Outcome outcome, String reason) {

    /** The RFC 8601 2.7.1 result words this verifier can reach. */
    public enum Outcome {
        /** Verified: body hash and header signature match the published key. */
        PASS,
        /** Did not verify: a changed body or header, a revoked or missing key, a bad key. */
        FAIL,
        /** Could not be checked now: the key lookup failed (DNS); a retry may pass. */
        TEMPERROR,
        /** Could not be checked at all: a malformed field, an unsupported algorithm. */
        PERMERROR;

        public String token() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean passed() {
        return outcome == Outcome.PASS;
    }
}
