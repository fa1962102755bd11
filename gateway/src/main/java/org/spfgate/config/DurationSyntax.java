package org.spfgate.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Config durations: a whole number and one unit, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}. */
public final class DurationSyntax {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

    /** The hint every duration error carries. */
    static final String EXAMPLES = "a number and a unit: 500ms, 30s, 5m, 2h";

    private DurationSyntax() {
    }

    /**
     * @return a positive duration
     * @throws IllegalArgumentException with a message fit for a config error
     */
    public static Duration parse(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: \"" + text + "\" (use " + EXAMPLES + ")");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException("must be longer than zero, got \"" + text + "\"");
        }
        return d;
    }
}
