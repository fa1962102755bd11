package org.spfgate.spf;

import java.net.IDN;

/**
 * Checks on domain names before they become DNS questions (RFC 7208 4.3 and 7.3, RFC 1035 2.3.4).
 * Names travel as text without the trailing dot; case is kept as written because macros expand
 * it, and DNS compares case-insensitively anyway.
 */
final class DomainName {

    /** RFC 1035 2.3.4: 255 octets on the wire, i.e. 253 characters as dotted text. */
    static final int MAX_LENGTH = 253;
    /** RFC 1035 2.3.4. */
    static final int MAX_LABEL_LENGTH = 63;

    private DomainName() {
    }

    /** {@code name} without one trailing dot. */
    static String withoutTrailingDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /**
     * IDNA2008's deviation characters (RFC 5892, UTS 46 section 3.1.1; and capital sharp s):
     * {@link IDN} (IDNA2003) maps them away ({@code ß} to {@code ss}), which names another domain.
     */
    private static final String IDNA_DEVIATIONS = "\u00df\u1e9e\u03c2\u200c\u200d";

    /**
     * {@code name} with its U-labels as A-labels ({@code bücher.example} → {@code
     * xn--bcher-kva.example}); an all-ASCII name unchanged; a name that has no A-label form, or
     * none that IDNA2003 computes the same as IDNA2008, unchanged, so that {@link #isValid}
     * refuses it.
     */
    static String asciiForm(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (IDNA_DEVIATIONS.indexOf(name.charAt(i)) >= 0) {
                return name;
            }
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) >= 0x80) {
                try {
                    // RFC 8616 3: SPF evaluates an internationalized domain in its A-label form.
                    return IDN.toASCII(name, IDN.ALLOW_UNASSIGNED);
                } catch (IllegalArgumentException e) {
                    return name;
                }
            }
        }
        return name;
    }

    /**
     * Whether {@code name} (no trailing dot) may be looked up: at most 253 characters, labels of
     * 1..63 characters, at least two labels (RFC 7208 4.3: a fully qualified domain), and not a
     * domain literal such as {@code [192.0.2.1]}.
     */
    static boolean isValid(String name) {
        int n = name.length();
        if (n == 0 || n > MAX_LENGTH || name.charAt(0) == '[') {
            return false;
        }
        int labelStart = 0;
        int labels = 0;
        for (int i = 0; i <= n; i++) {
            if (i == n || name.charAt(i) == '.') {
                int len = i - labelStart;
                if (len == 0 || len > MAX_LABEL_LENGTH) {
                    return false;
                }
                labels++;
                labelStart = i + 1;
            } else if (name.charAt(i) <= ' ' || name.charAt(i) >= 0x7f) {
                return false;
            }
        }
        return labels >= 2;
    }

    /**
     * Whether a name that came out of macro expansion can be put into a DNS question at all:
     * 1..253 characters, labels of 1..63 characters. Anything else in it is left to DNS (RFC 7208
     * 7.1: syntax is checked before expansion, not after), which will simply not find it.
     */
    static boolean isQueryable(String name) {
        int n = name.length();
        if (n == 0 || n > MAX_LENGTH) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= n; i++) {
            if (i == n || name.charAt(i) == '.') {
                int len = i - labelStart;
                if (len == 0 || len > MAX_LABEL_LENGTH) {
                    return false;
                }
                labelStart = i + 1;
            }
        }
        return true;
    }

    /**
     * RFC 7208 7.3: an expanded name longer than 253 characters loses labels from the left until
     * it fits. A trailing dot is dropped first.
     */
    static String truncateForQuery(String name) {
        String n = withoutTrailingDot(name);
        while (n.length() > MAX_LENGTH) {
            int dot = n.indexOf('.');
            if (dot < 0) {
                return n;
            }
            n = n.substring(dot + 1);
        }
        return n;
    }

    /**
     * {@code name} equals {@code domain} or is a subdomain of it, ignoring case (RFC 7208 5.5:
     * the ptr match).
     */
    static boolean isAtOrBelow(String name, String domain) {
        int n = name.length();
        int d = domain.length();
        if (n == d) {
            return name.equalsIgnoreCase(domain);
        }
        return n > d && name.charAt(n - d - 1) == '.' && name.regionMatches(true, n - d, domain, 0, d);
    }
}
