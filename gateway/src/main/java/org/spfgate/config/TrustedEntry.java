package org.spfgate.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One {@code trusted:} entry — a secondary MX or known forwarder: how it is recognised (its
 * matchers; any one matching is enough) and what happens to SPF for its mail (its treatment).
 *
 * @param networks   CIDR blocks the client IP may be in
 * @param hostnames  patterns like {@code *.forward.example.edu} or {@code mx2.example.org},
 *                   matched on forward-confirmed reverse DNS only, lower case, no trailing dot
 * @param mxOf       domains whose MX hosts' A and AAAA addresses are trusted, lower case
 * @param spfDomains domains whose SPF policy must give the client IP {@code pass} (RFC 7208
 *                   {@code check_host}), lower case; may hold underscore labels ({@code _spf.google.com})
 * @param spf        what happens to SPF for mail from a matching client
 */
public record TrustedEntry(String name, List<Cidr> networks, List<String> hostnames, List<String> mxOf,
        List<String> spfDomains, Treatment spf) {

    /** {@code spf:} of a trusted entry. */
    public enum Treatment {
        /** SPF is not checked; the skip is stamped (the default). */
        SKIP,
        /**
         * SPF is checked for the client that handed the message to this relay, taken from the
         * topmost Received field; never refused, only stamped.
         */
        THROUGH;

        /** As the config writes it, and the log's {@code via=}. */
        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TrustedEntry {
        Objects.requireNonNull(name, "name");
        networks = List.copyOf(networks);
        hostnames = List.copyOf(hostnames);
        mxOf = List.copyOf(mxOf);
        spfDomains = List.copyOf(spfDomains);
        Objects.requireNonNull(spf, "spf");
    }

    /** An entry matched by network or host name whose mail skips SPF (the original form). */
    public TrustedEntry(String name, List<Cidr> networks, List<String> hostnames) {
        this(name, networks, hostnames, List.of(), List.of(), Treatment.SKIP);
    }
}
