package org.spfgate.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads our header fields back the way a strict receiver would: checks the line structure of a
 * folded field (CRLF only, continuation lines start with WSP, nothing after the field), unfolds
 * it, and parses it into its parts (RFC 5322 comments and quoted strings, RFC 7208 9.1
 * key-value pairs, RFC 8601 properties). Written independently of the renderers' helpers.
 */
final class FieldReader {

    private final String text;
    private int pos;

    private FieldReader(String text) {
        this.text = text;
    }

    /** Asserts {@code folded} is exactly one well-formed field and returns it unfolded. */
    static String singleField(String folded) {
        assertTrue(folded.endsWith("\r\n"), "ends with CRLF: " + folded);
        String[] lines = folded.substring(0, folded.length() - 2).split("\r\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            assertTrue(line.indexOf('\r') < 0 && line.indexOf('\n') < 0, "no bare CR or LF: " + line);
            assertTrue(line.length() <= 998, "RFC 5322 2.1.1 hard limit: " + line.length());
            if (i > 0) {
                assertTrue(line.startsWith(" ") || line.startsWith("\t"), "continuation starts with WSP: " + line);
                assertTrue(!line.isBlank(), "no whitespace-only line");
            } else {
                assertTrue(!line.startsWith(" ") && line.indexOf(':') > 0, "starts with a field name: " + line);
            }
            for (char c : line.toCharArray()) {
                assertTrue(c >= 0x20 && c < 0x7f || c == '\t', "printable US-ASCII only: " + (int) c);
            }
        }
        return String.join("", lines);
    }

    /** Asserts every comment and quoted-string of an unfolded structured field is closed. */
    static void assertBalanced(String unfolded) {
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < unfolded.length(); i++) {
            char c = unfolded.charAt(i);
            if (c == '\\' && (quoted || depth > 0)) {
                i++;
            } else if (quoted) {
                quoted = c != '"';
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                assertTrue(depth > 0, "unbalanced ')' at " + i + " in: " + unfolded);
                depth--;
            } else if (c == '"' && depth == 0) {
                quoted = true;
            }
        }
        assertTrue(depth == 0 && !quoted, "unclosed comment or quote in: " + unfolded);
    }

    /** The parts of a Received-SPF field: "result", "comment" and each key (decoded). */
    static Map<String, String> receivedSpf(String unfolded) {
        FieldReader r = new FieldReader(unfolded);
        r.expect("Received-SPF:");
        Map<String, String> parts = new LinkedHashMap<>();
        r.skipWsp();
        parts.put("result", r.atom());
        r.skipWsp();
        if (r.peek() == '(') {
            parts.put("comment", r.comment());
        }
        while (!r.atEnd()) {
            r.skipCfws();
            String key = r.name();
            r.skipCfws();
            r.expect("=");
            r.skipCfws();
            String value = r.peek() == '"' ? r.quotedString() : r.dotAtom();
            if (parts.put(key, value) != null) {
                fail("key twice: " + key);
            }
            r.skipCfws();
            if (!r.atEnd()) {
                r.expect(";");
            }
        }
        return parts;
    }

    /** The parts of an Authentication-Results field: "authserv-id", method, "comment", each property. */
    static Map<String, String> authenticationResults(String unfolded) {
        FieldReader r = new FieldReader(unfolded);
        r.expect("Authentication-Results:");
        Map<String, String> parts = new LinkedHashMap<>();
        r.skipCfws();
        parts.put("authserv-id", r.value());
        r.skipCfws();
        r.expect(";");
        r.skipWsp();
        String method = r.token();
        r.expect("=");
        parts.put(method, r.token());
        r.skipWsp();
        if (r.peek() == '(') {
            parts.put("comment", r.comment());
        }
        while (!r.atEnd()) {
            r.skipCfws();
            String property = r.token();
            r.expect("=");
            parts.put(property, r.peek() == '"' ? r.quotedString() : r.pvalueText());
            r.skipCfws();
        }
        return parts;
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private char peek() {
        return atEnd() ? '\0' : text.charAt(pos);
    }

    private void expect(String s) {
        if (!text.startsWith(s, pos)) {
            fail("expected '" + s + "' at " + pos + " in: " + text);
        }
        pos += s.length();
    }

    private void skipWsp() {
        while (peek() == ' ' || peek() == '\t') {
            pos++;
        }
    }

    private void skipCfws() {
        skipWsp();
        while (peek() == '(') {
            comment();
            skipWsp();
        }
    }

    /** RFC 5322 3.2.2 comment, nested, with quoted-pairs; returns the text decoded. */
    private String comment() {
        expect("(");
        StringBuilder out = new StringBuilder();
        int depth = 1;
        while (true) {
            if (atEnd()) {
                fail("unbalanced comment in: " + text);
            }
            char c = text.charAt(pos++);
            if (c == '\\') {
                out.append(text.charAt(pos++));
            } else if (c == '(') {
                depth++;
                out.append(c);
            } else if (c == ')') {
                if (--depth == 0) {
                    return out.toString();
                }
                out.append(c);
            } else {
                out.append(c);
            }
        }
    }

    /** RFC 5322 3.2.4 quoted-string, decoded. */
    private String quotedString() {
        expect("\"");
        StringBuilder out = new StringBuilder();
        while (true) {
            if (atEnd()) {
                fail("unterminated quoted-string in: " + text);
            }
            char c = text.charAt(pos++);
            if (c == '\\') {
                out.append(text.charAt(pos++));
            } else if (c == '"') {
                return out.toString();
            } else {
                assertTrue(c != '\\', "unescaped backslash");
                out.append(c);
            }
        }
    }

    private String atom() {
        int start = pos;
        while (!atEnd() && isAtext(peek())) {
            pos++;
        }
        assertTrue(pos > start, "an atom at " + start + " in: " + text);
        return text.substring(start, pos);
    }

    /** RFC 7208 9.1 name: ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ). */
    private String name() {
        int start = pos;
        while (!atEnd() && (Character.isLetterOrDigit(peek()) || "-_.".indexOf(peek()) >= 0)) {
            pos++;
        }
        assertTrue(pos > start && Character.isLetter(text.charAt(start)), "a key at " + start + " in: " + text);
        return text.substring(start, pos);
    }

    /** RFC 5322 3.2.3 dot-atom-text. */
    private String dotAtom() {
        String first = atom();
        StringBuilder out = new StringBuilder(first);
        while (peek() == '.') {
            pos++;
            out.append('.').append(atom());
        }
        return out.toString();
    }

    /** RFC 2045 token. */
    private String token() {
        int start = pos;
        while (!atEnd() && peek() > ' ' && peek() < 0x7f && "()<>@,;:\\\"/[]?=".indexOf(peek()) < 0) {
            pos++;
        }
        assertTrue(pos > start, "a token at " + start + " in: " + text);
        return text.substring(start, pos);
    }

    private String value() {
        return peek() == '"' ? quotedString() : token();
    }

    /** RFC 8601 pvalue in its unquoted forms: token, or [local-part] "@" domain-name. */
    private String pvalueText() {
        int start = pos;
        while (!atEnd() && peek() > ' ' && peek() < 0x7f && "()\";".indexOf(peek()) < 0) {
            pos++;
        }
        String v = text.substring(start, pos);
        assertTrue(!v.isEmpty(), "a pvalue at " + start + " in: " + text);
        int at = v.indexOf('@');
        String domain = at < 0 ? v : v.substring(at + 1);
        assertEquals(-1, at < 0 ? -1 : v.indexOf('@', at + 1), "one @ in " + v);
        for (char c : v.substring(0, Math.max(at, 0)).toCharArray()) {
            assertTrue(c == '.' || isAtext(c), "local-part is a dot-atom: " + v);
        }
        for (char c : domain.toCharArray()) {
            assertTrue(c == '.' || c == '-' || Character.isLetterOrDigit(c) || (at < 0 && isAtext(c)), "domain-name: " + v);
        }
        return v;
    }

    private static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }
}
