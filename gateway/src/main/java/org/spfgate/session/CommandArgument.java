package org.spfgate.session;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The argument of {@code MAIL FROM:} or {@code RCPT TO:} (RFC 5321 4.1.1.2, 4.1.1.3): the path
 * between angle brackets, exactly as the client wrote it, and the ESMTP parameters after it.
 * Only the shape is checked here (brackets, quoting, control characters, length); what the
 * address means is for the policy.
 *
 * @param path       the text between {@code <} and {@code >}; empty for the null reverse-path
 * @param parameters keyword (upper case) to value ({@code null} for a keyword without value)
 */
record CommandArgument(String path, Map<String, String> parameters) {

    /** RFC 5321 4.5.3.1.3: a path is at most 256 octets including the angle brackets. */
    static final int MAX_PATH_LENGTH = 256 - 2;

    /** Why an argument could not be read; the message is fit for a 501 reply. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param text    what followed the verb, e.g. {@code FROM:<a@b> SIZE=12}
     * @param keyword {@code FROM} or {@code TO}
     */
    static CommandArgument parse(String text, String keyword) throws Malformed {
        String prefix = keyword + ":";
        if (!text.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw new Malformed("Syntax: " + (keyword.equals("FROM") ? "MAIL FROM:<address>" : "RCPT TO:<address>"));
        }
        String rest = text.substring(prefix.length());
        // RFC 5321 has no space after the colon; many clients send one, and Postfix takes it.
        rest = rest.stripLeading();
        if (rest.isEmpty() || rest.charAt(0) != '<') {
            throw new Malformed("Syntax: address must be in angle brackets");
        }
        int close = closingBracket(rest);
        String path = rest.substring(1, close);
        if (path.length() > MAX_PATH_LENGTH) {
            throw new Malformed("Address too long");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new Malformed("Control character in address");
            }
        }
        return new CommandArgument(path, parameters(rest.substring(close + 1)));
    }

    /** The index of the {@code >} that ends the path; quoted strings may hold {@code >}. */
    private static int closingBracket(String rest) throws Malformed {
        boolean quoted = false;
        for (int i = 1; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (quoted && c == '\\') {
                i++; // RFC 5321 quoted-pairSMTP: backslash and one character
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '>') {
                return i;
            } else if (!quoted && (c == '<' || c == ' ')) {
                throw new Malformed("Syntax: unexpected '" + c + "' in address");
            }
        }
        throw new Malformed("Syntax: address not closed with '>'");
    }

    private static Map<String, String> parameters(String text) throws Malformed {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return parameters;
        }
        if (text.charAt(0) != ' ') {
            throw new Malformed("Syntax: space expected after address");
        }
        for (String word : text.strip().split(" +")) {
            if (word.isEmpty()) {
                continue;
            }
            int eq = word.indexOf('=');
            String key = (eq < 0 ? word : word.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? null : word.substring(eq + 1);
            // RFC 5321 4.1.2: esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
            if (key.isEmpty() || !key.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || c == '-'))) {
                throw new Malformed("Syntax: bad parameter \"" + printable(word) + "\"");
            }
            parameters.put(key, value);
        }
        return parameters;
    }

    /** For echoing client text in a reply: printable ASCII only, bounded. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 64; i++) {
            char c = text.charAt(i);
            out.append(c > 0x20 && c < 0x7f && c != '"' ? c : '?');
        }
        return out.toString();
    }

    boolean isAscii() {
        return path.chars().allMatch(c -> c < 0x80);
    }
}
