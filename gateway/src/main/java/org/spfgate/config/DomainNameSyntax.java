package org.spfgate.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Host and domain names as the config accepts them (RFC 1035 2.3.1 as relaxed by RFC 1123 2.1):
 * letters, digits and hyphens, labels of 1 to 63 characters not starting or ending with a
 * hyphen, at most 253 characters. Internationalised names go in their ASCII (punycode) form.
 * Names are compared case-insensitively, so they are kept in lower case without a trailing dot.
 */
public final class DomainNameSyntax {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    /** A label of a DNS name that is not a host name: RFC 8552 underscore labels too. */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?");

    private DomainNameSyntax() {
    }

    /**
     * @return the name in lower case without a trailing dot
     * @throws IllegalArgumentException with a message fit for a config error
     */
    public static String normalize(String text) {
        return normalize(text, LABEL);
    }

    /**
     * A DNS name that need not be a host name, such as the SPF record holder {@code _spf.google.com}
     * (underscore labels, RFC 8552 2): otherwise as {@link #normalize}.
     */
    public static String normalizeDnsName(String text) {
        return normalize(text, DNS_LABEL);
    }

    private static String normalize(String text, Pattern label) {
        String name = text.trim().toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.length() > 253) {
            throw invalid(text);
        }
        for (String part : name.split("\\.", -1)) {
            if (!label.matcher(part).matches()) {
                throw invalid(text);
            }
        }
        return name;
    }

    /** A mail domain: also its top-level label must not be all digits (RFC 3696 2), so no IP address. */
    public static String normalizeMailDomain(String text) {
        String name = normalize(text);
        String top = name.substring(name.lastIndexOf('.') + 1);
        if (top.chars().allMatch(Character::isDigit)) {
            throw invalid(text);
        }
        return name;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("not a valid domain name: \"" + text + "\""
                + (text.chars().anyMatch(c -> c > 127) ? " (write internationalised names in punycode, xn--...)" : ""));
    }
}
