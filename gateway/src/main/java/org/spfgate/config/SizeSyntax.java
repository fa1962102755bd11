package org.spfgate.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Config sizes in bytes: plain bytes ({@code 1000}), decimal units ({@code KB} = 10^3, {@code MB}
 * = 10^6, {@code GB} = 10^9, as mail size limits are usually quoted) or binary units ({@code KiB}
 * = 2^10, {@code MiB} = 2^20, {@code GiB} = 2^30). Units are case-insensitive; {@code B} is bytes.
 */
public final class SizeSyntax {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,18})\\s*([a-zA-Z]*)");

    static final String EXAMPLES = "bytes, or a number and a unit: 25MB (10^6 bytes), 25MiB (2^20 bytes), KB, KiB, GB, GiB";

    private SizeSyntax() {
    }

    /** @throws IllegalArgumentException with a message fit for a config error */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: \"" + text + "\" (use " + EXAMPLES + ")");
        }
        long multiplier = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "kb" -> 1_000L;
            case "kib" -> 1L << 10;
            case "mb" -> 1_000_000L;
            case "mib" -> 1L << 20;
            case "gb" -> 1_000_000_000L;
            case "gib" -> 1L << 30;
            default -> throw new IllegalArgumentException(
                    "unknown size unit \"" + m.group(2) + "\" in \"" + text + "\" (use " + EXAMPLES + ")");
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("size too large: \"" + text + "\"");
        }
    }
}
