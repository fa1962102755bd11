package org.spfgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.spfgate.relay.Downstream;
import org.spfgate.relay.DownstreamTransaction;
import org.spfgate.relay.Envelope;
import org.spfgate.relay.Reply;

/**
 * The internal server as {@code explain} plays it: nothing is sent anywhere. Every transaction
 * opens, every recipient gets {@link #NOT_ASKED} (so the session's own decision is all that
 * shows), and the header block the session would prepend is kept for printing.
 */
final class UnsentDownstream implements Downstream {

    /** What a recipient the policy accepts gets here: the internal server would answer instead. */
    static final Reply NOT_ASKED = new Reply(250, "(the internal server's reply: not asked)");
    /** The reply to the final dot, never shown: the message goes nowhere. */
    private static final Reply NOT_SENT = new Reply(250, "(not sent)");

    private byte[] prepended;

    /** The header block of the last message, as the session wrote it; {@code null} before DATA. */
    byte[] prepended() {
        return prepended;
    }

    @Override
    public DownstreamTransaction open(Envelope envelope) {
        return new DownstreamTransaction() {
            @Override
            public Reply recipient(String address) {
                return NOT_ASKED;
            }

            @Override
            public Reply data(byte[] headers, InputStream message) throws IOException {
                prepended = headers.clone();
                message.transferTo(OutputStream.nullOutputStream());
                return NOT_SENT;
            }

            @Override
            public void abort() {
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public boolean isReachable() {
        return true;
    }

    @Override
    public void close() {
    }
}
