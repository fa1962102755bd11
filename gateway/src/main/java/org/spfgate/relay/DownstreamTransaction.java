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
     * Returns the internal server's reply (passed to the client as is, except that a
     * {@code 421} becomes {@code 451} with the same text: our connection stays open). Without
     * {@code verify_recipients} the recipient is sent at {@link #data}, and the reply here is
     * {@code 250 2.1.5 Ok}.
     *
     * @throws DownstreamRefusal when the reply is not the internal server's: {@code 451 4.4.1} for
     *         a lost ({@link DownstreamRefusal.Kind#LOST}), silent ({@code TIMEOUT}) or
     *         non-SMTP-speaking ({@code PROTOCOL}) internal server, {@code 501} for an address
     *         with control characters ({@code ADDRESS})
     */
    Reply recipient(String address) throws DownstreamRefusal;

    /**
     * Streams the message: {@code prepended} (our header lines, CRLF-terminated) and then
     * {@code message} (the client's DATA after dot-unstuffing, already through the size limit and
     * the bare-line-ending filter) and returns the internal server's reply to the final dot,
     * which becomes ours. The message is dot-stuffed on the wire and ends with CRLF before the
     * final dot (one is added if the client's data lacked it); nothing else changes.
     *
     * <p>Whatever happens downstream, {@code message} is read to its end before this returns or
     * throws (a downstream that failed mid-way throws a {@link DownstreamRefusal} after the rest
     * was read), so the session can answer at once and no byte of the message is ever read as a
     * command.
     *
     * <p>If reading {@code message} throws, the downstream transaction is aborted by closing the
     * connection — never with a final dot, so nothing partial is delivered — and the exception
     * is rethrown for the session to answer (after draining the client's raw stream).
     *
     * <p>Without {@code verify_recipients}, the RCPTs go out first; unless every one is accepted,
     * no DATA is sent and the reply is the internal server's first temporary refusal if any, else
     * its first permanent one: the client was told 250 for each recipient, and one reply after
     * DATA covers them all, so a partial delivery answered with 250 would lose mail silently.
     *
     * @throws DownstreamRefusal when the reply is not the internal server's, as for
     *         {@link #recipient}; also {@code 451 4.3.0} when the delivery directory cannot store
     *         the message ({@link DownstreamRefusal.Kind#STORAGE})
     */
    Reply data(byte[] prepended, InputStream message) throws IOException, DownstreamRefusal;

    /**
     * The client has sent DATA and is about to be told 354. A relay may send its own DATA now and
     * read the internal server's 354 in {@link #data}: the reply travels while the client sends the
     * message, one round trip less per message. What the client is told does not change: a
     * refusal of DATA reaches it, as before, as the reply to its final dot.
     */
    default void dataComing() {
    }

    /** Abandons the transaction (RSET, or close if the connection is in doubt). */
    void abort();

    @Override
    void close();
}
