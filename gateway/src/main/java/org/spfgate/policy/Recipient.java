package org.spfgate.policy;

import java.util.Objects;

/**
 * A recipient the gateway accepts: its domain is one of ours and it uses no relay trick.
 *
 * @param address   the forward-path exactly as the client wrote it (without angle brackets): this
 *                  is what the internal server receives (docs/contract.md §3)
 * @param localPart the local part with quoting removed ({@code "john doe"} becomes
 *                  {@code john doe}), for comparisons such as exempt recipients
 * @param domain    the domain, lower case; empty for the bare {@code postmaster} of RFC 5321 4.1.1.3
 */
public record Recipient(String address, String localPart, String domain) {

    public Recipient {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(localPart, "localPart");
        Objects.requireNonNull(domain, "domain");
    }

    /** Whether this is one of {@code localParts}, compared case-insensitively (RFC 5321 4.5.1). */
    public boolean hasLocalPartIn(Iterable<String> localParts) {
        for (String candidate : localParts) {
            if (AsciiCase.equalsIgnoreCase(candidate, localPart)) {
                return true;
            }
        }
        return false;
    }

    /** The postmaster of RFC 5321 4.5.1: {@code postmaster@ours} or the bare {@code postmaster}. */
    public boolean isPostmaster() {
        return AsciiCase.equalsIgnoreCase(localPart, "postmaster");
    }
}
