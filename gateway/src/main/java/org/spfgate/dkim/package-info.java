/**
 * DKIM verification (RFC 6376) for forwarded mail whose SPF failed: {@link
 * org.spfgate.dkim.DkimVerifier} checks every {@code DKIM-Signature} of a held message and says
 * which verify, and {@link org.spfgate.dkim.OrganizationalDomain} tells whether a signing
 * domain is aligned with the MAIL FROM domain (RFC 7489 3.1.1, relaxed). Built on Apache James
 * jDKIM (records, canonicalization, body hashes), with ed25519-sha256 (RFC 8463) added here.
 *
 * <p>A leaf beside {@code spf}: it knows nothing of SMTP, config or metrics. Key records come
 * through the gateway's DNS port ({@link org.spfgate.spf.SpfDns}, answered by {@code dns}), so
 * they share its cache, time-outs and metrics.
 */
package org.spfgate.dkim;
