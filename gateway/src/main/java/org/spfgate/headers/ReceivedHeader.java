package org.spfgate.headers;

/**
 * Renders our trace field (RFC 5321 4.4), without a reverse lookup per message (performance,
 * SPEC section 8):
 * <pre>
 * Received: from mail.example.com ([192.0.2.1]) by mx.example.org (spfgate) with ESMTPS
 *  id 7F3A2C; Mon, 23 Nov 2026 13:28:48 +0000
 * Received: from mail.example.com ([192.0.2.1]) by mx.example.org (spfgate) with ESMTP
 *  id 7F3A2D for &lt;bob@example.org&gt;; Mon, 23 Nov 2026 13:28:48 +0000
 * </pre>
 * {@code for} names the recipient only when there is exactly one; the HELO is sanitised (an
 * unusable HELO is written as {@code unknown} and the raw text goes into a comment-safe form).
 */
public final class ReceivedHeader {

    /** @param hostname our host name ({@code server.hostname}) */
    public ReceivedHeader(String hostname) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The folded field, CRLF-terminated. */
    public String folded(SmtpTrace trace) {
        throw new UnsupportedOperationException("not yet");
    }
}
