package org.spfgate.spf;

import java.util.Locale;

/**
 * The seven results of RFC 7208 section 2.6. The lower-case token is what headers, logs,
 * metrics and the {@code check} command print: the values have meaning, we use them as they are.
 */
public enum SpfResult {
    PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, TEMPERROR, PERMERROR;

    private final String token = name().toLowerCase(Locale.ROOT);

    /** The RFC 7208 token, e.g. {@code softfail}. */
    public String token() {
        return token;
    }

}
