package org.spfgate.policy;

/**
 * Case-insensitive comparison the way SMTP means it: only the ASCII letters A-Z fold (RFC 5321
 * 2.4). Java's own folding is Unicode's, under which the Kelvin sign U+212A is a "k" and the long
 * s U+017F an "s": "ban" + U+212A + ".example" would match the domain {@code bank.example}, and
 * "abu" + U+017F + "e" the exempt {@code abuse} — while the internal server receives, as written,
 * an address other than the one the policy judged.
 */
final class AsciiCase {

    private AsciiCase() {
    }

    /** {@code text} with A-Z turned into a-z and every other character kept. */
    static String lower(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (out == null) {
                    out = new StringBuilder(text);
                }
                out.setCharAt(i, (char) (c + ('a' - 'A')));
            }
        }
        return out == null ? text : out.toString();
    }

    static boolean equalsIgnoreCase(String a, String b) {
        return a.length() == b.length() && lower(a).equals(lower(b));
    }
}
