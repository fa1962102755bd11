package org.spfgate.spf;

import java.net.InetAddress;

/**
 * The outcome of one SPF evaluation with everything a header, a log line or an SMTP reply needs.
 *
 * @param result      the RFC 7208 result
 * @param identity    which identity was checked
 * @param clientIp    the IP that was checked (IPv4-mapped IPv6 already unmapped)
 * @param sender      the {@code <sender>} of check_host: full address, {@code postmaster@helo}
 *                    for the null sender or the HELO identity
 * @param domain      the domain whose policy was evaluated (the sender's domain or the HELO name)
 * @param helo        the HELO/EHLO name as given (may be empty)
 * @param explanation for fail: the domain's {@code exp=} text or a default; otherwise a short
 *                    human sentence (for temperror/permerror: what went wrong and where)
 * @param decidedBy   the term that decided the result as written in the record (e.g.
 *                    {@code -all}, {@code include:_spf.example.com}); {@code null} when no term
 *                    matched (default neutral, none, errors)
 * @param lookups     DNS-querying terms evaluated (RFC 7208 4.6.4), across includes and redirects
 */
public record SpfVerdict(
        SpfResult result,
        SpfIdentity identity,
        InetAddress clientIp,
        String sender,
        String domain,
        String helo,
        String explanation,
        String decidedBy,
        int lookups) {
}
