package org.spfgate.spf;

/** A mechanism's qualifier and the result it gives on a match (RFC 7208 4.6.2). */
enum Qualifier {
    PASS('+', SpfResult.PASS),
    FAIL('-', SpfResult.FAIL),
    SOFTFAIL('~', SpfResult.SOFTFAIL),
    NEUTRAL('?', SpfResult.NEUTRAL);

    final char symbol;
    final SpfResult result;

    Qualifier(char symbol, SpfResult result) {
        this.symbol = symbol;
        this.result = result;
    }

    /** The qualifier written as {@code c}, or {@code null} if {@code c} is none. */
    static Qualifier of(char c) {
        return switch (c) {
            case '+' -> PASS;
            case '-' -> FAIL;
            case '~' -> SOFTFAIL;
            case '?' -> NEUTRAL;
            default -> null;
        };
    }
}
