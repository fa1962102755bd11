package org.spfgate.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed macro-string (RFC 7208 7.1): the domain-spec of a mechanism or modifier, or the text
 * of an explanation. Parsed once when the record is parsed; expanded per evaluation without regex.
 */
final class MacroString {

    private static final String LETTERS = "slodiphcrtv";
    private static final String EXPLANATION_ONLY_LETTERS = "crt";
    private static final String DELIMITERS = ".-+,/_=";
    /** More right-hand parts than any domain name can have (RFC 7208 7.3: "all parts are used"). */
    private static final int MAX_DIGITS = 128;

    /** One {@code %{...}} (RFC 7208 7.1). */
    record Macro(char letter, boolean urlEscape, int rightParts, boolean reverse, String delimiters) {
    }

    private final String text;
    private final Object[] parts;
    private final boolean endsWithMacroExpand;

    private MacroString(String text, Object[] parts, boolean endsWithMacroExpand) {
        this.text = text;
        this.parts = parts;
        this.endsWithMacroExpand = endsWithMacroExpand;
    }

    /**
     * Parses {@code text}.
     *
     * @param explanation true for an explanation string (RFC 7208 6.2, 7.1): spaces and the
     *                    {@code c}, {@code r}, {@code t} macros are allowed only there
     */
    static MacroString parse(String text, boolean explanation) throws SpfSyntaxException {
        List<Object> parts = new ArrayList<>(4);
        StringBuilder literal = new StringBuilder(text.length());
        boolean lastIsMacroExpand = false;
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 1 >= n) {
                    throw new SpfSyntaxException("'%' at the end of '" + text + "'");
                }
                char next = text.charAt(i + 1);
                switch (next) {
                    case '%' -> literal.append('%');
                    case '_' -> literal.append(' ');
                    case '-' -> literal.append("%20");
                    case '{' -> {
                        int close = text.indexOf('}', i + 2);
                        if (close < 0) {
                            throw new SpfSyntaxException("unterminated macro in '" + text + "'");
                        }
                        if (!literal.isEmpty()) {
                            parts.add(literal.toString());
                            literal.setLength(0);
                        }
                        parts.add(macro(text, i + 2, close, explanation));
                        i = close + 1;
                        lastIsMacroExpand = true;
                        continue;
                    }
                    default -> throw new SpfSyntaxException(
                            "'%" + next + "' is not a macro in '" + text + "'");
                }
                i += 2;
                lastIsMacroExpand = true;
                continue;
            }
            // RFC 7208 7.1: macro-literal is %x21-24 / %x26-7E; explain-string adds SP.
            if ((c < 0x21 || c > 0x7e) && !(explanation && c == ' ')) {
                throw new SpfSyntaxException("character " + describe(c) + " not allowed in '" + text + "'");
            }
            literal.append(c);
            lastIsMacroExpand = false;
            i++;
        }
        if (!literal.isEmpty()) {
            parts.add(literal.toString());
        }
        return new MacroString(text, parts.toArray(), lastIsMacroExpand);
    }

    private static Macro macro(String text, int start, int end, boolean explanation)
            throws SpfSyntaxException {
        String written = text.substring(start - 2, end + 1);
        if (start >= end) {
            throw new SpfSyntaxException("empty macro '" + written + "'");
        }
        char letter = text.charAt(start);
        char lower = Character.toLowerCase(letter);
        if (LETTERS.indexOf(lower) < 0 || letter > 0x7f) {
            throw new SpfSyntaxException("unknown macro letter in '" + written + "'");
        }
        if (!explanation && EXPLANATION_ONLY_LETTERS.indexOf(lower) >= 0) {
            // RFC 7208 7.3: c, r and t are allowed only in explanation strings.
            throw new SpfSyntaxException("macro '" + written + "' is allowed only in exp= text");
        }
        int i = start + 1;
        int digits = 0;
        boolean hasDigits = false;
        while (i < end && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            digits = Math.min(MAX_DIGITS, digits * 10 + (text.charAt(i) - '0'));
            hasDigits = true;
            i++;
        }
        if (hasDigits && digits == 0) {
            // RFC 7208 7.3: "If a DIGIT is specified, the value MUST be nonzero."
            throw new SpfSyntaxException("zero parts in macro '" + written + "'");
        }
        boolean reverse = false;
        if (i < end && (text.charAt(i) == 'r' || text.charAt(i) == 'R')) {
            reverse = true;
            i++;
        }
        int delimStart = i;
        while (i < end && DELIMITERS.indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        if (i != end) {
            throw new SpfSyntaxException("bad transformer or delimiter in macro '" + written + "'");
        }
        return new Macro(lower, letter != lower, hasDigits ? digits : 0, reverse, text.substring(delimStart, end));
    }

    private static String describe(char c) {
        return c >= 0x21 && c <= 0x7e ? "'" + c + "'" : String.format("0x%02X", (int) c);
    }

    /** The text as written in the record. */
    String text() {
        return text;
    }

    /** RFC 7208 7.1 domain-end: the string ends with a macro-expand. */
    boolean endsWithMacroExpand() {
        return endsWithMacroExpand;
    }

    /** The expansion when the string holds no macro, else {@code null}. */
    String constant() {
        if (parts.length == 0) {
            return "";
        }
        return parts.length == 1 && parts[0] instanceof String s ? s : null;
    }

    /** Expands every macro with {@code values} (RFC 7208 7.3). */
    String expand(MacroValues values) {
        if (parts.length == 1 && parts[0] instanceof String s) {
            return s;
        }
        StringBuilder out = new StringBuilder(64);
        for (Object part : parts) {
            if (part instanceof String s) {
                out.append(s);
            } else {
                Macro m = (Macro) part;
                String value = transform(values.value(m.letter()), m);
                if (m.urlEscape()) {
                    urlEscape(value, out);
                } else {
                    out.append(value);
                }
            }
        }
        return out.toString();
    }

    /** RFC 7208 7.3: split on the delimiters, optionally reverse, keep the right-most N, join with dots. */
    static String transform(String value, Macro m) {
        String delimiters = m.delimiters().isEmpty() ? "." : m.delimiters();
        if (m.rightParts() == 0 && !m.reverse() && delimiters.equals(".")) {
            return value;
        }
        List<String> parts = new ArrayList<>(8);
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delimiters.indexOf(value.charAt(i)) >= 0) {
                parts.add(value.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(value.substring(start));
        int size = parts.size();
        StringBuilder out = new StringBuilder(value.length());
        int keep = m.rightParts() == 0 ? size : Math.min(size, m.rightParts());
        // Without reversal the right-most parts are size-keep..size-1; with it, the original
        // order reversed, then again the right-most 'keep' of that.
        for (int k = 0; k < keep; k++) {
            int index = m.reverse() ? keep - 1 - k : size - keep + k;
            if (k > 0) {
                out.append('.');
            }
            out.append(parts.get(index));
        }
        return out.toString();
    }

    /** RFC 3986 percent-encoding of everything but unreserved characters, on UTF-8 bytes. */
    private static void urlEscape(String value, StringBuilder out) {
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                   .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
