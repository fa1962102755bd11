package org.spfgate.relay;

import java.util.List;
import java.util.Locale;

/**
 * What the internal server offered in its EHLO reply (RFC 5321 section 4.1.1.1), remembered per
 * connection: the extensions the relay forwards parameters for or relies on.
 *
 * @param esmtp    EHLO was answered (not only HELO)
 * @param sizeLimit the SIZE value (RFC 1870), 0 when SIZE was offered without a limit, -1 when not
 */
record ServerCapabilities(boolean esmtp, boolean eightBitMime, boolean smtpUtf8, long sizeLimit,
        boolean startTls) {

    static final ServerCapabilities HELO_ONLY = new ServerCapabilities(false, false, false, -1, false);

    boolean size() {
        return sizeLimit >= 0;
    }

    /** Parses the lines of a positive EHLO reply; the first line is the greeting, not a keyword. */
    static ServerCapabilities fromEhlo(List<String> lines) {
        boolean eightBit = false;
        boolean utf8 = false;
        boolean tls = false;
        long size = -1;
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] words = line.trim().split("[ \t]+");
            String keyword = words[0].toUpperCase(Locale.ROOT);
            switch (keyword) {
                case "8BITMIME" -> eightBit = true;
                case "SMTPUTF8" -> utf8 = true;
                case "STARTTLS" -> tls = true;
                case "SIZE" -> size = words.length > 1 ? parseSize(words[1]) : 0;
                default -> { }
            }
        }
        return new ServerCapabilities(true, eightBit, utf8, size, tls);
    }

    private static long parseSize(String value) {
        try {
            return Math.max(0, Long.parseLong(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
