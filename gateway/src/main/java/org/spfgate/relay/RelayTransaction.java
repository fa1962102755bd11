package org.spfgate.relay;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One mail transaction on one pooled connection to the internal server, opened by
 * {@link SmtpDownstream#open} after the internal server accepted MAIL.
 *
 * <p>{@link #data} reads the client's message to its end whatever happens downstream (so the
 * session can answer right away), unless reading it throws: then the connection is closed
 * without the final dot and the exception is rethrown.
 *
 * <p>Without {@code verify_recipients}, RCPTs are sent at DATA. The client has then already been
 * told 250 for each, and after DATA one reply covers them all; so unless the internal server
 * accepts every one of them, no DATA is sent and the client gets the internal server's refusal
 * (the first temporary one if any, so that the client retries, else the first permanent one).
 * Delivering to only some recipients and answering 250 would lose the others silently.
 */
final class RelayTransaction implements DownstreamTransaction {

    private static final Reply UNVERIFIED_OK = new Reply(250, "2.1.5 Ok");

    private final SmtpDownstream downstream;
    private final DownstreamConnection connection;
    private final boolean verifyRecipients;
    private final List<String> unverified = new ArrayList<>();
    private int accepted;
    private DownstreamRefusal lost; // set once the connection failed: every later step throws this
    private boolean ended;
    /** DATA went out at {@link #dataComing}; its reply is still to be read. */
    private boolean dataReplyPending;

    RelayTransaction(SmtpDownstream downstream, DownstreamConnection connection, boolean verifyRecipients) {
        this.downstream = downstream;
        this.connection = connection;
        this.verifyRecipients = verifyRecipients;
    }

    @Override
    public Reply recipient(String address) throws DownstreamRefusal {
        requireOpen();
        if (!Addresses.isSafe(address)) {
            throw new DownstreamRefusal(DownstreamRefusal.Kind.ADDRESS,
                    new Reply(501, "5.1.3 recipient address contains control characters"));
        }
        if (lost != null) {
            throw lost;
        }
        if (!verifyRecipients) {
            unverified.add(address);
            return UNVERIFIED_OK;
        }
        return rcptTo(address);
    }

    private Reply rcptTo(String address) throws DownstreamRefusal {
        Reply reply;
        try {
            reply = connection.command("RCPT TO:<" + address + ">");
        } catch (IOException e) {
            throw lose(e);
        }
        if (reply.isPositive()) {
            accepted++;
            return reply;
        }
        if (reply.code() < 400 || reply.code() == 421) {
            connection.markBroken();
        }
        return SmtpDownstream.passThrough(reply);
    }

    /**
     * Sends DATA ahead when nothing else has to go first: with verify_recipients every RCPT has
     * been answered, so DATA is the next command whatever happens (without it the RCPTs go at
     * {@link #data}, and whether DATA follows depends on their replies).
     */
    @Override
    public void dataComing() {
        if (ended || lost != null || !verifyRecipients || accepted == 0 || dataReplyPending) {
            return;
        }
        try {
            connection.send("DATA");
            dataReplyPending = true;
        } catch (IOException e) {
            lose(e); // data() drains the message and answers 451 4.4.1
        }
    }

    @Override
    public Reply data(byte[] prepended, InputStream message) throws IOException, DownstreamRefusal {
        requireOpen();
        boolean reset = true;
        try {
            Reply refusal;
            try {
                refusal = sendUnverifiedRecipients();
            } catch (DownstreamRefusal failed) {
                throw drainThen(message, failed);
            }
            if (refusal != null) {
                return drainThen(message, refusal);
            }
            if (accepted == 0) {
                return drainThen(message, new Reply(554, "5.5.1 no valid recipients"));
            }
            Reply go;
            try {
                go = dataReplyPending ? connection.reply() : connection.command("DATA");
                dataReplyPending = false;
            } catch (IOException e) {
                throw drainThen(message, lose(e));
            }
            if (go.code() != 354) {
                if (go.code() < 400 || go.code() == 421) {
                    connection.markBroken();
                }
                drain(message);
                return SmtpDownstream.passThrough(go);
            }
            DownstreamRefusal failed = stream(prepended, message);
            if (failed != null) {
                throw drainThen(message, failed);
            }
            Reply done;
            try {
                done = connection.endOfDataReply();
            } catch (IOException e) {
                throw lose(e);
            }
            downstream.contact();
            if (done.code() < 400 && !done.isPositive() || done.code() == 421) {
                connection.markBroken();
            }
            // RFC 5321 section 4.1.1.4: the end of data completes the transaction and clears the
            // server's buffers, so an accepted message needs no RSET before the next one.
            reset = !done.isPositive();
            return done.isPositive() ? done : SmtpDownstream.passThrough(done);
        } finally {
            end(reset);
        }
    }

    /**
     * Without verify_recipients: the RCPTs, now. Returns the internal server's refusal for the
     * client if any recipient was refused, or null.
     */
    private Reply sendUnverifiedRecipients() throws DownstreamRefusal {
        if (lost != null) {
            throw lost;
        }
        Reply firstTemporary = null;
        Reply firstPermanent = null;
        for (String address : unverified) {
            Reply r = rcptTo(address);
            if (r.isTransient() && firstTemporary == null) {
                firstTemporary = r;
            } else if (!r.isPositive() && !r.isTransient() && firstPermanent == null) {
                firstPermanent = r;
            }
        }
        unverified.clear();
        return firstTemporary != null ? firstTemporary : firstPermanent;
    }

    /**
     * Our headers, then the message dot-stuffed, then the final dot. Returns null when sent, or
     * the refusal for a downstream that failed while we wrote. A failure to read the message
     * closes the connection (no final dot: nothing partial is delivered) and is rethrown.
     */
    private DownstreamRefusal stream(byte[] prepended, InputStream message) throws IOException {
        DotStuffingOutputStream out = new DotStuffingOutputStream(connection.dataStream());
        try {
            if (prepended != null) {
                out.write(prepended);
            }
        } catch (IOException e) {
            return lose(e);
        }
        // The filters upstream hand over at most 4 KiB per read, and the connection's own output
        // buffer gathers them into large writes: a larger buffer here would only be allocated.
        byte[] buffer = new byte[4096];
        while (true) {
            int n;
            try {
                n = message.read(buffer);
            } catch (IOException | RuntimeException e) {
                connection.close();
                throw e;
            }
            if (n < 0) {
                break;
            }
            try {
                out.write(buffer, 0, n);
            } catch (IOException e) {
                return lose(e);
            }
        }
        try {
            out.finish();
        } catch (IOException e) {
            return lose(e);
        }
        return null;
    }

    /** Reads the rest of the message (the client is still sending it), then answers. */
    private static Reply drainThen(InputStream message, Reply reply) throws IOException {
        drain(message);
        return reply;
    }

    /** Reads the rest of the message, then hands back the refusal for the caller to throw. */
    private static DownstreamRefusal drainThen(InputStream message, DownstreamRefusal refusal) throws IOException {
        drain(message);
        return refusal;
    }

    private static void drain(InputStream message) throws IOException {
        message.transferTo(java.io.OutputStream.nullOutputStream());
    }

    /** The connection failed: closed, and every later step of this transaction gets the same refusal. */
    private DownstreamRefusal lose(IOException e) {
        connection.close();
        downstream.lostContact(e.toString());
        lost = SmtpDownstream.lost(e);
        return lost;
    }

    @Override
    public void abort() {
        if (!ended) {
            end(true);
        }
    }

    @Override
    public void close() {
        abort();
    }

    /** Hands the connection back: reused when healthy (after RSET if needed), else closed. */
    private void end(boolean reset) {
        if (ended) {
            return;
        }
        ended = true;
        if (dataReplyPending) {
            // DATA went out and nothing followed: the server may be waiting for a message, and
            // no RSET can tell it otherwise (RFC 5321 4.1.1.4). Closing delivers nothing.
            connection.markBroken();
        }
        try {
            if (!connection.isBroken() && reset) {
                try {
                    if (!connection.command("RSET").isPositive()) {
                        connection.markBroken();
                    }
                } catch (IOException e) {
                    connection.markBroken();
                }
            }
            if (connection.isBroken()) {
                connection.close();
            } else {
                downstream.recycle(connection);
            }
        } finally {
            downstream.transactionEnded();
        }
    }

    private void requireOpen() {
        if (ended) {
            throw new IllegalStateException("transaction already ended");
        }
    }
}
