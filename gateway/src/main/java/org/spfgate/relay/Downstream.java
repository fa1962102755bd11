package org.spfgate.relay;

/**
 * Where accepted mail goes: the internal server over SMTP, or (no {@code relay:} configured) the
 * delivery directory. The session opens one {@link DownstreamTransaction} per SMTP transaction,
 * at MAIL, after the SPF verdict — so the internal server's answers reach the client in the same
 * session and nothing is ever queued.
 */
public interface Downstream extends AutoCloseable {

    /**
     * Opens a transaction (for SMTP: takes a pooled connection, sends MAIL FROM).
     *
     * @throws DownstreamRefusal with the reply for the client: {@code 451 4.4.1} when the internal
     *         server cannot be reached (or refuses our connection), {@code 553 5.6.7} /
     *         {@code 554 5.6.3} when the client uses SMTPUTF8 / 8BITMIME and the internal server
     *         does not offer it, {@code 451 4.7.4} / {@code 451 4.7.5} when {@code relay.tls} is
     *         {@code required} and STARTTLS is not offered / fails, {@code 451 4.4.5} when all
     *         {@code relay.connections} are busy for longer than the connect time-out,
     *         {@code 501} for an address with control characters, {@code 421 4.3.2} after
     *         {@link #close}, or the internal server's own reply to MAIL, passed through
     *         ({@code 421} as {@code 451}); its {@link DownstreamRefusal#kind() kind} says which
     */
    DownstreamTransaction open(Envelope envelope) throws DownstreamRefusal;

    /**
     * Whether the internal server answers right now (for {@code /health}): the outcome of the
     * last transaction or probe if under 10 s old, else a probe (connect, EHLO, STARTTLS per
     * {@code relay.tls}, QUIT) bounded by the relay time-outs; never more than one probe at a time.
     */
    boolean isReachable();

    @Override
    void close();
}
