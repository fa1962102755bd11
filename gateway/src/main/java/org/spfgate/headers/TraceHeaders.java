package org.spfgate.headers;

import org.spfgate.config.SpfConfig;
import org.spfgate.spf.SpfVerdict;

/**
 * The block of header fields the gateway prepends to a message, in SPEC section 5 order (top
 * first): Authentication-Results, Received-SPF, Received — respecting {@code spf.headers}. The
 * relay writes these bytes before the client's message ({@code DownstreamTransaction#data}).
 * US-ASCII, every line CRLF-terminated.
 */
public final class TraceHeaders {

    /**
     * @param hostname our host name: receiver, authserv-id and the {@code by} of Received
     * @param switches which of Received-SPF and Authentication-Results to write
     */
    public TraceHeaders(String hostname, SpfConfig.Headers switches) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * For a client whose SPF was evaluated.
     *
     * @param mailFrom the MAIL FROM verdict (for the null sender: of {@code postmaster@<helo>})
     * @param helo     the HELO verdict, or {@code null} when not checked
     */
    public byte[] checked(SmtpTrace trace, SpfVerdict mailFrom, SpfVerdict helo) {
        throw new UnsupportedOperationException("not yet");
    }

    /** For a trusted client: no Received-SPF (nothing was computed), A-R names the entry. */
    public byte[] trusted(SmtpTrace trace, String trustedName) {
        throw new UnsupportedOperationException("not yet");
    }
}
