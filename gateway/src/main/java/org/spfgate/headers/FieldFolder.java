package org.spfgate.headers;

/**
 * Folds one unfolded header field (RFC 5322 2.2.3): a CRLF goes before a space outside quoted
 * strings (comments may fold, RFC 5322 3.2.2), so that lines stay within 78 characters where the
 * words allow. Unfolding (removing each CRLF) gives back exactly the input. The result ends with
 * CRLF.
 */
final class FieldFolder {

    /** RFC 5322 2.1.1: SHOULD be no more than 78 characters, excluding the CRLF. */
    static final int LINE_LENGTH = 78;
    /** RFC 5322 2.1.1: MUST be no more than 998 characters, excluding the CRLF. */
    static final int MAX_LINE_LENGTH = 998;

    private FieldFolder() {
    }

    static String fold(String field) {
        StringBuilder out = new StringBuilder(field.length() + 16);
        int lineStart = 0;
        int lastBreak = -1;
        boolean quoted = false;
        int commentDepth = 0;
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && (quoted || commentDepth > 0)) {
                i++; // quoted-pair
            } else if (quoted) {
                quoted = c != '"';
            } else if (c == '(') {
                commentDepth++;
            } else if (c == ')' && commentDepth > 0) {
                commentDepth--;
            } else if (c == '"' && commentDepth == 0) {
                quoted = true;
            } else if (c == ' ' && i + 1 < field.length() && field.charAt(i + 1) != ' ') {
                // a break here starts the next line with " x": never a whitespace-only line
                if (i - lineStart > LINE_LENGTH && lastBreak > lineStart) {
                    out.append(field, lineStart, lastBreak).append("\r\n");
                    lineStart = lastBreak;
                }
                lastBreak = i;
            }
        }
        if (field.length() - lineStart > LINE_LENGTH && lastBreak > lineStart) {
            out.append(field, lineStart, lastBreak).append("\r\n");
            lineStart = lastBreak;
        }
        out.append(field, lineStart, field.length()).append("\r\n");
        return out.toString();
    }
}
