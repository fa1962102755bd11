package org.spfgate.headers;

import java.net.InetAddress;
import org.spfgate.spf.SpfVerdict;

/**
 * Renders our {@code Authentication-Results} field (RFC 8601; SPEC section 5):
 * <pre>
 * Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=alice@example.com smtp.helo=mail.example.com
 * Authentication-Results: mx.example.org; spf=none (mx.example.org: 198.51.100.7 is trusted relay backup-mx; SPF not checked)
 * </pre>
 * The result is the MAIL FROM verdict's; {@code smtp.mailfrom} is the sender SPF checked — for
 * the null sender {@code postmaster@<helo>} (RFC 7208 2.4); {@code smtp.helo} appears when the
 * HELO identity was checked. Property values that are not RFC 2045 tokens (or a
 * {@code local-part@domain}) are quoted; untrusted text never breaks the field.
 */
public final class AuthenticationResultsHeader {

    /** @param authservId our host name ({@code server.hostname}), RFC 8601 2.5 authserv-id */
    public AuthenticationResultsHeader(String authservId) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * @param mailFrom the MAIL FROM verdict
     * @param helo     the HELO verdict, or {@code null} when the HELO identity was not checked
     * @return the folded field, CRLF-terminated
     */
    public String spf(SpfVerdict mailFrom, SpfVerdict helo) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The trusted-client form, folded and CRLF-terminated: {@code spf=none (... is trusted relay NAME; SPF not checked)}. */
    public String trusted(InetAddress client, String trustedName) {
        throw new UnsupportedOperationException("not yet");
    }
}
