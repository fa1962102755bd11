package org.spfgate.policy;

import java.util.Objects;

/** Whether a connecting client is a {@code trusted:} entry (its mail skips SPF), and why. */
public sealed interface ClientTrust permits ClientTrust.Trusted, ClientTrust.NotTrusted {

    /**
     * @param name    the {@code trusted:} entry's name (for the log, the metric label and the
     *                Authentication-Results comment)
     * @param matched what matched: the network (e.g. {@code 198.51.100.0/28}) or the
     *                forward-confirmed host name (e.g. {@code a.forward.example.edu})
     */
    record Trusted(String name, String matched) implements ClientTrust {
        public Trusted {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(matched, "matched");
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
