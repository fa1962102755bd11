package org.spfgate.maillog;

/**
 * One value of a key=value log line, built from our own structural text (brackets, commas) and
 * untrusted text (HELO, addresses, DNS and downstream replies), and written so that untrusted
 * text can never end the line or start a field of its own.
 *
 * <p>A value of printable, non-space characters is written bare ({@code helo=mail.example.com}).
 * Anything else is written in double quotes with {@code \"}, {@code \\}, {@code \n}, {@code \r},
 * {@code \t}, {@code \xHH} for other ASCII controls and <code>&#92;u{HHHH}</code> for invisible or
 * unassigned Unicode (line separators, bidi overrides): one transaction, one line, whatever a
 * client sends. Printable non-ASCII (SMTPUTF8 addresses) stays readable. Characters a caller
 * names as special for one piece of text (e.g. {@code <>,} inside an address in a list) are
 * written as {@code \xHH} so the list stays unambiguous.
 */
final class LogValue {

    private final StringBuilder bare = new StringBuilder();
    private final StringBuilder quoted = new StringBuilder();
    private boolean needsQuotes;

    /** A value that is always quoted, for free text such as replies. */
    static LogValue alwaysQuoted() {
        LogValue value = new LogValue();
        value.needsQuotes = true;
        return value;
    }

    /** Our own text, known to be printable ASCII without spaces, quotes or backslashes. */
    LogValue literal(String text) {
        bare.append(text);
        quoted.append(text);
        return this;
    }

    /** Untrusted text. */
    LogValue text(String text) {
        return text(text, "");
    }

    /** Untrusted text in which the ASCII characters of {@code specials} must not appear raw. */
    LogValue text(String text, String specials) {
        // The usual value (a host name, an address) is bare ASCII throughout: taken in one piece.
        int plain = 0;
        while (plain < text.length() && isPlainAscii(text.charAt(plain), specials)) {
            plain++;
        }
        bare.append(text, 0, plain);
        quoted.append(text, 0, plain);
        if (plain < text.length()) {
            text.substring(plain).codePoints().forEach(cp -> append(cp, specials));
        }
        return this;
    }

    private static boolean isPlainAscii(char c, String specials) {
        return c < 0x80 && isBare(c) && specials.indexOf(c) < 0;
    }

    private void append(int cp, String specials) {
        boolean special = cp < 0x80 && specials.indexOf(cp) >= 0;
        if (!special && isBare(cp)) {
            bare.appendCodePoint(cp);
            quoted.appendCodePoint(cp);
            return;
        }
        needsQuotes = true;
        switch (cp) {
            case '"' -> quoted.append("\\\"");
            case '\\' -> quoted.append("\\\\");
            case '\n' -> quoted.append("\\n");
            case '\r' -> quoted.append("\\r");
            case '\t' -> quoted.append("\\t");
            case ' ' -> quoted.append(' ');
            default -> {
                if (cp < 0x80) {
                    quoted.append(String.format("\\x%02x", cp));
                } else if (isVisible(cp)) {
                    quoted.appendCodePoint(cp);
                } else {
                    quoted.append(String.format("\\u{%04x}", cp));
                }
            }
        }
    }

    /** Safe outside quotes: visible ASCII except {@code "} and {@code \}, or visible non-ASCII. */
    private static boolean isBare(int cp) {
        if (cp < 0x80) {
            return cp > 0x20 && cp < 0x7f && cp != '"' && cp != '\\';
        }
        return isVisible(cp);
    }

    private static boolean isVisible(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                 Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    /** The value as it goes after {@code key=}. */
    String render() {
        if (needsQuotes || bare.isEmpty()) {
            return "\"" + quoted + "\"";
        }
        return bare.toString();
    }
}
