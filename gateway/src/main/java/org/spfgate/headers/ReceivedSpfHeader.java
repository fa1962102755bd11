package org.spfgate.headers;

import org.spfgate.spf.SpfVerdict;

/**
 * Renders the {@code Received-SPF} field of RFC 7208 section 9.1 (SPEC sections 1 and 5):
 * <pre>
 * Received-SPF: fail (mx.example.org: domain of alice@example.com does not designate 192.0.2.1
 *  as permitted sender) client-ip=192.0.2.1; envelope-from="alice@example.com";
 *  helo=mail.example.com; receiver=mx.example.org; identity=mailfrom; mechanism="-all"
 * </pre>
 * Keys: {@code client-ip}, {@code envelope-from}, {@code helo}, {@code receiver},
 * {@code identity}, {@code mechanism} when a term matched, {@code problem} for
 * temperror/permerror. HELO and sender are untrusted: values are dot-atoms or quoted strings
 * (RFC 7208 9.1), control characters and non-ASCII never get through, the comment has no
 * unbalanced parentheses — one well-formed field whatever the client sent.
 */
public final class ReceivedSpfHeader {

    /** @param receiver our host name ({@code server.hostname}) */
    public ReceivedSpfHeader(String receiver) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The field on one line, without CRLF (the {@code check} command prints this). */
    public String unfolded(SpfVerdict verdict) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The field folded at spaces to about 78 columns, each line CRLF-terminated (for the message). */
    public String folded(SpfVerdict verdict) {
        throw new UnsupportedOperationException("not yet");
    }
}
