package org.spfgate.relay;

import java.io.IOException;
import java.io.InputStream;

/**
 * One mail transaction towards the internal server, opened at MAIL. Exactly one of
 * {@link #data} or {@link #abort} ends it; {@link #close} after either is harmless.
 */
public interface DownstreamTransaction extends AutoCloseable {

    /**
     * Sends {@code RCPT TO:<address>} with the address exactly as the client wrote it.
     * Returns the internal server's reply (passed to the client as is); a lost or silent
     * internal server gives {@code 451 4.4.1}. Without {@code verify_recipients} the
     * recipient may be sent later, and the reply is {@code 250}.
     */
    Reply recipient(String address);

    /**
     * Streams the message: {@code prepended} (our header lines, CRLF-terminated) and then
     * {@code message} (the client's DATA after dot-unstuffing) and returns the internal server's
     * reply to the final dot, which becomes ours.
     *
     * <p>If reading {@code message} throws, the downstream transaction is aborted by closing the
     * connection — never with a final dot, so nothing partial is delivered — and the exception
     * is rethrown for the session to answer.
     */
    Reply data(byte[] prepended, InputStream message) throws IOException;

    /** Abandons the transaction (RSET, or close if the connection is in doubt). */
    void abort();

    @Override
    void close();
}
