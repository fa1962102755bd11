package org.spfgate.headers;

import static org.spfgate.headers.UntrustedText.commentText;
import static org.spfgate.headers.UntrustedText.tokenOrQuoted;

import java.net.InetAddress;
import java.util.Objects;
import java.util.regex.Pattern;
import org.spfgate.dkim.DkimResult;
import org.spfgate.spf.SpfVerdict;

/**
 * Renders our {@code Authentication-Results} field (RFC 8601; docs/contract.md §5):
 * <pre>
 * Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=alice@example.com smtp.helo=mail.example.com
 * Authentication-Results: mx.example.org; spf=none (mx.example.org: 198.51.100.7 is trusted relay backup-mx; SPF not checked)
 * </pre>
 * The result is the MAIL FROM verdict's; {@code smtp.mailfrom} is the sender SPF checked — for
 * the null sender {@code postmaster@<helo>} (RFC 7208 2.4, the identity that was actually
 * authenticated); {@code smtp.helo} appears when the HELO identity was checked. Property values
 * that are neither an RFC 2045 token nor a plain {@code local-part@domain} are quoted
 * (RFC 8601 2.2 pvalue); untrusted text never breaks the field.
 */
public final class AuthenticationResultsHeader {

    /** RFC 8601 2.2 domain-name (RFC 6376 3.5): letters, digits and hyphens, dot-separated. */
    private static final Pattern DOMAIN_NAME = Pattern.compile("[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*");

    private final String authservId;

    /** @param authservId our host name ({@code server.hostname}), RFC 8601 2.5 authserv-id */
    public AuthenticationResultsHeader(String authservId) {
        this.authservId = Objects.requireNonNull(authservId, "authservId");
    }

    /**
     * @param mailFrom the MAIL FROM verdict
     * @param helo     the HELO verdict, or {@code null} when the HELO identity was not checked
     * @return the folded field, CRLF-terminated
     */
    public String spf(SpfVerdict mailFrom, SpfVerdict helo) {
        return FieldFolder.fold(spfUnfolded(mailFrom, helo));
    }

    /**
     * With the DKIM signature that rescued the message (RFC 8601 2.7.1: {@code dkim=pass
     * header.d=... header.s=...}) as a second resinfo, or none when {@code dkim} is {@code null}.
     */
    public String spf(SpfVerdict mailFrom, SpfVerdict helo, DkimResult dkim) {
        if (dkim == null) {
            return spf(mailFrom, helo);
        }
        return FieldFolder.fold(spfUnfolded(mailFrom, helo) + "; dkim=" + dkim.outcome().token()
                + " header.d=" + tokenOrQuoted(UntrustedText.clean(dkim.domain()))
                + " header.s=" + tokenOrQuoted(UntrustedText.clean(dkim.selector())));
    }

    String spfUnfolded(SpfVerdict mailFrom, SpfVerdict helo) {
        StringBuilder field = new StringBuilder(160).append("Authentication-Results: ")
                .append(tokenOrQuoted(authservId)).append("; spf=").append(mailFrom.result().token())
                .append(" smtp.mailfrom=").append(mailboxValue(mailFrom.sender()));
        if (helo != null) {
            field.append(" smtp.helo=").append(tokenOrQuoted(helo.helo()));
        }
        return field.toString();
    }

    /** The trusted-client form, folded and CRLF-terminated: {@code spf=none (... is trusted relay NAME; SPF not checked)}. */
    public String trusted(InetAddress client, String trustedName) {
        return FieldFolder.fold(trustedUnfolded(client, trustedName, null));
    }

    /**
     * As {@link #trusted(InetAddress, String)}, naming the matcher too:
     * {@code spf=none (... is trusted relay NAME; SPF not checked; matched by networks 198.51.100.0/28)}.
     */
    public String trusted(InetAddress client, String trustedName, String matchedBy) {
        return FieldFolder.fold(trustedUnfolded(client, trustedName, matchedBy));
    }

    String trustedUnfolded(InetAddress client, String trustedName, String matchedBy) {
        // RFC 8601 2.7.2 has no "skipped" result: none plus a comment, never a made-up pass
        return "Authentication-Results: " + tokenOrQuoted(authservId) + "; spf=none ("
                + commentText(authservId) + ": " + ClientAddress.text(client) + " is trusted relay "
                + commentText(trustedName) + "; SPF not checked"
                + (matchedBy == null ? "" : "; matched by " + commentText(matchedBy)) + ")";
    }

    /**
     * SPF evaluated for the client before a trusted relay ({@code spf: through}), folded and
     * CRLF-terminated: {@code spf=fail (mx.example.org: 192.0.2.1 evaluated through trusted relay
     * backup-mx 198.51.100.7, matched by networks 198.51.100.0/28) smtp.mailfrom=alice@example.com}.
     * No {@code smtp.helo}: the HELO identity of that client is not checked.
     */
    public String through(SpfVerdict original, InetAddress relay, String trustedName, String matchedBy) {
        return FieldFolder.fold("Authentication-Results: " + tokenOrQuoted(authservId) + "; spf="
                + original.result().token() + " (" + commentText(authservId) + ": "
                + ClientAddress.text(original.clientIp()) + " evaluated " + relayComment(relay, trustedName, matchedBy)
                + ") smtp.mailfrom=" + mailboxValue(original.sender()));
    }

    /**
     * {@code spf: through} when the message does not say who the relay's client was:
     * {@code spf=none (mx.example.org: not evaluated through trusted relay backup-mx 198.51.100.7,
     * matched by networks 198.51.100.0/28: WHY) smtp.mailfrom=alice@example.com}, folded.
     *
     * @param sender the MAIL FROM as given (empty for the null sender, then not written)
     */
    public String notEvaluatedThrough(String sender, InetAddress relay, String trustedName, String matchedBy,
            String why) {
        return FieldFolder.fold("Authentication-Results: " + tokenOrQuoted(authservId) + "; spf=none ("
                + commentText(authservId) + ": not evaluated " + relayComment(relay, trustedName, matchedBy) + ": "
                + commentText(why) + ")" + (sender.isEmpty() ? "" : " smtp.mailfrom=" + mailboxValue(sender)));
    }

    private static String relayComment(InetAddress relay, String trustedName, String matchedBy) {
        return "through trusted relay " + commentText(trustedName) + " " + ClientAddress.text(relay)
                + ", matched by " + commentText(matchedBy);
    }

    /**
     * RFC 8601 2.2: pvalue = value / [[local-part] "@"] domain-name. A dot-atom local part and a
     * dot-atom domain are written as they are; anything else becomes a quoted-string value.
     */
    private static String mailboxValue(String mailbox) {
        String clean = UntrustedText.clean(mailbox);
        int at = clean.lastIndexOf('@');
        if (at > 0 && clean.indexOf('@') == at && UntrustedText.isDotAtom(clean.substring(0, at))
                && DOMAIN_NAME.matcher(clean.substring(at + 1)).matches()) {
            return clean;
        }
        return tokenOrQuoted(clean);
    }
}
