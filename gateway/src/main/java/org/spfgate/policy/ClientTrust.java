package org.spfgate.policy;

import java.util.Objects;
import org.spfgate.config.TrustedEntry;

/** Whether a connecting client is a {@code trusted:} entry, by which matcher, and what that means for SPF. */
public sealed interface ClientTrust permits ClientTrust.Trusted, ClientTrust.NotTrusted {

    /** The four ways a {@code trusted:} entry recognises a client, named as their config keys. */
    enum Matcher {
        /** The client IP is in one of the entry's CIDR blocks. */
        NETWORKS("networks"),
        /** A forward-confirmed PTR name of the client matches one of the entry's patterns. */
        HOSTNAMES("hostnames"),
        /** The client IP is an A or AAAA address of an MX host of one of the entry's domains. */
        MX_OF("mx_of"),
        /** The client IP gets {@code pass} from the SPF policy of one of the entry's domains. */
        SPF_DOMAINS("spf_domains");

        private final String key;

        Matcher(String key) {
            this.key = key;
        }

        /** The config key, as logs and headers name the matcher. */
        public String key() {
            return key;
        }
    }

    /**
     * @param name      the {@code trusted:} entry's name (for the log, the metric label and the
     *                  headers)
     * @param matcher   which of the entry's matchers recognised the client
     * @param matched   what matched: the network (e.g. {@code 198.51.100.0/28}), the
     *                  forward-confirmed host name (e.g. {@code a.forward.example.edu}), the
     *                  {@code mx_of} domain or the {@code spf_domains} domain
     * @param treatment what happens to SPF for this client's mail
     */
    record Trusted(String name, Matcher matcher, String matched, TrustedEntry.Treatment treatment)
            implements ClientTrust {
        public Trusted {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(matcher, "matcher");
            Objects.requireNonNull(matched, "matched");
            Objects.requireNonNull(treatment, "treatment");
        }

        /** {@code networks 198.51.100.0/28}: the matcher and what matched, for logs and header comments. */
        public String matchedBy() {
            return matcher.key() + " " + matched;
        }
    }

    /**
     * @param reason for the log, e.g. {@code no trusted entry matches}, or the DNS problem that
     *               prevented confirmation ({@code PTR lookup for 192.0.2.1 failed: SERVFAIL})
     */
    record NotTrusted(String reason) implements ClientTrust {
        public NotTrusted {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
