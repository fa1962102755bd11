package org.spfgate.headers;

/**
 * Makes text from the client or from DNS (HELO, envelope addresses, SPF explanations) safe inside
 * a header field: it can never end the field, start another one, or unbalance the syntax around
 * it. Output is printable US-ASCII: control characters (CR, LF, NUL, ...) and non-ASCII become
 * {@code ?}, and the length is capped so that no header line can reach RFC 5322's 998 octets.
 */
final class UntrustedText {

    /**
     * Longest untrusted value we write (a path is at most 256 octets, RFC 5321 4.5.3.1.3). Quoted
     * and escaped, twice this still fits a 998-octet line with its key.
     */
    static final int MAX_CHARS = 256;

    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";
    /** RFC 2045 5.1 tspecials. */
    private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";

    private UntrustedText() {
    }

    /** Printable US-ASCII and spaces only, at most {@link #MAX_CHARS} characters. */
    static String clean(String text) {
        return clean(text, MAX_CHARS);
    }

    private static String clean(String text, int max) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && out.length() < max; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            out.append(cp >= 0x20 && cp < 0x7f ? (char) cp : cp == '\t' ? ' ' : '?');
        }
        return out.toString();
    }

    /** RFC 5322 3.4.1 quoted-string: {@code "} and {@code \} escaped as quoted-pairs. */
    static String quoted(String text) {
        String clean = clean(text);
        StringBuilder out = new StringBuilder(clean.length() + 2).append('"');
        for (int i = 0; i < clean.length(); i++) {
            char c = clean.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }

    /** RFC 7208 9.1 key-value-pair value: a dot-atom when it is one, else a quoted-string. */
    static String dotAtomOrQuoted(String text) {
        String clean = clean(text);
        return isDotAtom(clean) ? clean : quoted(clean);
    }

    /** RFC 8601 / RFC 2045 value: a token when it is one, else a quoted-string. */
    static String tokenOrQuoted(String text) {
        String clean = clean(text);
        return isToken(clean) ? clean : quoted(clean);
    }

    /**
     * Text for inside a comment: {@code (}, {@code )} and {@code \} as quoted-pairs (RFC 5322
     * 3.2.2). Comments are sentences built from already capped parts, so the cap here is wider;
     * they contain spaces, where the folder breaks them.
     */
    static String commentText(String text) {
        String clean = clean(text, 3 * MAX_CHARS);
        StringBuilder out = new StringBuilder(clean.length());
        for (int i = 0; i < clean.length(); i++) {
            char c = clean.charAt(i);
            if (c == '(' || c == ')' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** RFC 5322 3.2.3 dot-atom-text. */
    static boolean isDotAtom(String s) {
        if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '.' && !isAtext(c)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 2045 5.1 token. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f || TSPECIALS.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || ATEXT_SPECIALS.indexOf(c) >= 0;
    }
}
