package org.spfgate.cli;

/** Text from strangers (DNS, the command line) printed one item per line, without control sequences. */
final class TerminalText {

    private TerminalText() {
    }

    /** {@code text} with every control character (CR, LF, ESC, ...) shown as {@code ?}. */
    static String oneLine(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }
}
