package org.spfgate.message;

import java.io.IOException;

/**
 * Thrown by {@link SizeLimitedInputStream} once the client's message grew past
 * {@code server.max_message_size}; the session drains the rest and answers {@code 552 5.3.4}.
 */
public final class MessageTooLargeException extends IOException {

    private final long limit;

    public MessageTooLargeException(long limit) {
        super("message larger than " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
