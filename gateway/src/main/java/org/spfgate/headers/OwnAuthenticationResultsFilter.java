package org.spfgate.headers;

import java.io.FilterInputStream;
import java.io.InputStream;

/**
 * Streams the client's message (after dot-unstuffing) with every {@code Authentication-Results}
 * field of the header section removed whose authserv-id is our host name (RFC 8601 section 5:
 * a forged claim to be us), folded continuation lines included. Every other byte passes
 * unchanged; the body is never touched; foreign Authentication-Results fields stay. A field
 * longer than {@link #MAX_FIELD_BYTES} that starts with {@code Authentication-Results:} and
 * whose authserv-id cannot be read within the limit is dropped (safer than letting a forged
 * one through); other over-long fields pass through.
 */
public final class OwnAuthenticationResultsFilter extends FilterInputStream {

    /** How much of one header field we hold in memory to decide about it. */
    public static final int MAX_FIELD_BYTES = 64 * 1024;

    /** @param authservId our host name; compared case-insensitively, trailing dot ignored */
    public OwnAuthenticationResultsFilter(InputStream message, String authservId) {
        super(message);
        throw new UnsupportedOperationException("not yet");
    }
}
