package org.spfgate.spf;

/**
 * A record, macro string or term that breaks RFC 7208's ABNF (sections 4.6, 7.1, 12). The message
 * says what and where, e.g. {@code unknown mechanism 'foo' at term 3}; the evaluator adds the
 * domain and turns it into {@code permerror}.
 */
public final class SpfSyntaxException extends Exception {

    public SpfSyntaxException(String message) {
        super(message, null, false, false);
    }
}
