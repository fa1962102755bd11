package org.spfgate.message;

import java.io.IOException;

/**
 * Thrown by {@link BareLineEndingFilter} in {@code reject} mode at the first bare CR or bare LF;
 * the session drains the rest of DATA and answers {@code 550 5.6.0}.
 */
public final class BareLineEndingException extends IOException {

    private final long offset;

    public BareLineEndingException(char which, long offset) {
        super("bare " + (which == '\r' ? "CR" : "LF") + " at byte " + offset + " of the message");
        this.offset = offset;
    }

    /** Position in the (dot-unstuffed) message of the offending byte. */
    public long offset() {
        return offset;
    }
}
