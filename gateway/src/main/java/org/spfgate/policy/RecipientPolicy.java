package org.spfgate.policy;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.spfgate.policy.Verdict.Reject;

/**
 * The open-relay guard at RCPT (docs/contract.md §3 "No open relay"): a recipient is accepted
 * only when the domain after its single unquoted {@code @} is exactly (case-insensitively, no
 * trailing dot) one of {@code domains}. Relay tricks — {@code %}, {@code !}, source routes
 * ({@code @a:b@c}), a second unquoted {@code @}, a quoted local part hiding {@code @ % !}
 * ({@code "user@other"@ours}), a trailing dot — are refused with {@code 554 5.7.1}; plain syntax
 * errors (empty local part, control characters, over-long parts, broken quoting) with
 * {@code 501 5.1.3}. Other valid quoted local parts are accepted. Thread-safe, no DNS.
 *
 * <p>Why refuse {@code %} and {@code !} although they are valid {@code atext}: an internal server
 * (sendmail, old Exchange) may still route {@code user%other@ours} to {@code other} — the
 * classic open relay behind an otherwise closed MX. A legitimate mailbox with those characters
 * is rare enough to be worth the refusal.
 */
public final class RecipientPolicy {

    /** RFC 5321 4.5.3.1.1. */
    static final int MAX_LOCAL_PART_OCTETS = 64;
    /**
     * RFC 5321 4.5.3.1.3: a path is at most 256 octets including the two angle brackets. This
     * also keeps every domain under the 255 octets of 4.5.3.1.2.
     */
    static final int MAX_ADDRESS_OCTETS = 256 - 2;

    private static final String RELAY_DENIED = "relaying denied";
    private static final String BAD_SYNTAX = "bad recipient address syntax";

    private final Set<String> domains;

    /** @param domains the {@code domains:} of the config; case and a trailing dot are ignored */
    public RecipientPolicy(Collection<String> domains) {
        this.domains = domains.stream()
                .map(d -> AsciiCase.lower(stripTrailingDot(d.trim())))
                .filter(d -> !d.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * @param forwardPath the RCPT TO address without angle brackets, exactly as the client wrote it
     */
    public RecipientCheck check(String forwardPath) {
        if (forwardPath == null || forwardPath.isEmpty()) {
            return syntax("empty address");
        }
        for (int i = 0; i < forwardPath.length(); i++) {
            char c = forwardPath.charAt(i);
            // CR, LF, NUL and friends: hostile, never part of an address (RFC 5321 4.1.2)
            if (c < 0x20 || c == 0x7f) {
                return syntax("control character in address");
            }
        }
        if (octets(forwardPath) > MAX_ADDRESS_OCTETS) {
            return syntax("address longer than 256 octets");
        }
        if (forwardPath.charAt(0) == '@') {
            if (forwardPath.indexOf(':') < 0) {
                return syntax("empty local part");
            }
            // RFC 5321 4.1.1.3 and appendix C: a source route is never honoured
            return relay("source routes are not accepted");
        }

        LocalPart local = LocalPart.scan(forwardPath);
        if (local.error != null) {
            return syntax(local.error);
        }
        int end = local.end;
        if (end == forwardPath.length()) {
            // RFC 5321 4.1.1.3: the bare "Postmaster" (no domain) must be accepted
            if (!local.quoted && AsciiCase.equalsIgnoreCase(local.decoded, "postmaster")) {
                return new RecipientCheck.Accepted(new Recipient(forwardPath, local.decoded, ""));
            }
            return syntax("no domain");
        }
        if (forwardPath.charAt(end) != '@') {
            return syntax("invalid local part");
        }
        String domainWritten = forwardPath.substring(end + 1);
        if (containsUnquotedAt(domainWritten)) {
            return relay("more than one @ in address");
        }
        if (local.relayTrick != null) {
            return relay(local.relayTrick);
        }
        if (local.decoded.isEmpty()) {
            return syntax("empty local part");
        }
        if (octets(forwardPath.substring(0, end)) > MAX_LOCAL_PART_OCTETS) {
            return syntax("local part longer than 64 octets");
        }
        if (domainWritten.isEmpty()) {
            return syntax("empty domain");
        }
        String domain = AsciiCase.lower(domainWritten);
        if (domains.contains(domain)) {
            return new RecipientCheck.Accepted(new Recipient(forwardPath, local.decoded, domain));
        }
        if (domain.endsWith(".")) {
            // "ours." is not "ours": an internal server may still treat it as local
            return relay("trailing dot in domain");
        }
        if (domain.indexOf('%') >= 0 || domain.indexOf('!') >= 0) {
            return relay("% and ! are not accepted in addresses");
        }
        if (!isDomainOrAddressLiteral(domainWritten)) {
            return syntax("invalid domain");
        }
        return relay(null);
    }

    private static RecipientCheck relay(String why) {
        return new RecipientCheck.Refused(new Reject(RejectionReason.RELAY_DENIED,
                why == null ? RELAY_DENIED : RELAY_DENIED + ": " + why));
    }

    private static RecipientCheck syntax(String why) {
        return new RecipientCheck.Refused(new Reject(RejectionReason.BAD_RECIPIENT, BAD_SYNTAX + ": " + why));
    }

    private static int octets(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String stripTrailingDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Unquoted {@code @} in what follows the first one; quotes do not belong in a domain. */
    private static boolean containsUnquotedAt(String s) {
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '@' && !quoted) {
                return true;
            }
        }
        return false;
    }

    /**
     * RFC 5321 4.1.2 {@code Domain} (letters, digits, hyphens, dots; U-labels allowed per RFC 6531)
     * or an {@code address-literal} in brackets.
     */
    private static boolean isDomainOrAddressLiteral(String d) {
        if (d.startsWith("[") && d.endsWith("]") && d.length() > 2) {
            for (int i = 1; i < d.length() - 1; i++) {
                char c = d.charAt(i);
                if (c <= ' ' || c == '[' || c == ']' || c == '\\' || c >= 0x7f) {
                    return false;
                }
            }
            return true;
        }
        for (String label : d.split("\\.", -1)) {
            if (label.isEmpty() || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                if (!ldh && c < 0x80) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The local part of a mailbox, scanned up to its end (the unquoted {@code @} or the end). */
    private static final class LocalPart {
        int end;
        boolean quoted;
        String decoded = "";
        String error;
        String relayTrick;

        static LocalPart scan(String s) {
            LocalPart lp = new LocalPart();
            if (s.charAt(0) == '"') {
                lp.scanQuoted(s);
            } else {
                lp.scanDotString(s);
            }
            return lp;
        }

        /** RFC 5321 4.1.2 Quoted-string: qtextSMTP and quoted-pairSMTP ({@code \} + %d32-126). */
        private void scanQuoted(String s) {
            quoted = true;
            StringBuilder content = new StringBuilder();
            int i = 1;
            while (true) {
                if (i >= s.length()) {
                    error = "unbalanced quotes";
                    return;
                }
                char c = s.charAt(i);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (i + 1 >= s.length()) {
                        error = "unbalanced quotes";
                        return;
                    }
                    c = s.charAt(++i);
                }
                content.append(c);
                i++;
            }
            end = i + 1;
            decoded = content.toString();
            // "user@other"@ours and friends: valid syntax, but a relay trick for whatever parses
            // the local part again downstream
            if (decoded.indexOf('@') >= 0 || decoded.indexOf('%') >= 0 || decoded.indexOf('!') >= 0) {
                relayTrick = "quoted local part containing @, % or !";
            }
        }

        /** RFC 5321 4.1.2 Dot-string: atoms of atext (UTF-8 allowed, RFC 6531) joined by dots. */
        private void scanDotString(String s) {
            int i = 0;
            while (i < s.length() && s.charAt(i) != '@') {
                char c = s.charAt(i);
                if (c == '%' || c == '!') {
                    relayTrick = "% and ! are not accepted in addresses";
                } else if (c != '.' && !isAtext(c)) {
                    error = c == '"' ? "misplaced quote in local part" : "invalid character in local part";
                    return;
                }
                i++;
            }
            String text = s.substring(0, i);
            end = i;
            decoded = text;
            if (!text.isEmpty() && (text.startsWith(".") || text.endsWith(".") || text.contains(".."))) {
                error = "misplaced dot in local part";
            }
        }

        /** RFC 5322 3.2.3 atext, plus UTF8-non-ascii (RFC 6531 3.3). */
        private static boolean isAtext(char c) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80) {
                return true;
            }
            return "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
        }
    }
}
