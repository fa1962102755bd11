package org.spfgate.spf;

import java.net.InetAddress;
import java.time.Duration;

/**
 * RFC 7208 {@code check_host()} and the two identities built on it. Thread-safe; one instance
 * serves the whole gateway.
 *
 * <p>CONTRACT ONLY — the evaluator is being written (issue 2).
 */
public final class SpfChecker {

    /**
     * @param dns          where DNS questions go
     * @param receiver     our host name, for the {@code %{r}} macro and explanations
     * @param checkTimeout the whole evaluation's deadline (RFC 7208 4.6.4); past it: temperror
     */
    public SpfChecker(SpfDns dns, String receiver, Duration checkTimeout) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The MAIL FROM identity (RFC 7208 2.4). {@code mailFrom} is the reverse-path without angle
     * brackets; empty for the null sender, which checks {@code postmaster@<helo>}; an address
     * without {@code @} is a bare domain checked as {@code postmaster@<domain>}.
     */
    public SpfVerdict checkMailFrom(InetAddress ip, String mailFrom, String helo) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The HELO identity (RFC 7208 2.3): {@code check_host(ip, helo, postmaster@helo)}. */
    public SpfVerdict checkHelo(InetAddress ip, String helo) {
        throw new UnsupportedOperationException("not yet");
    }
}
