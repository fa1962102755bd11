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
     *         server cannot be reached, {@code 553 5.6.7} / {@code 554 5.6.3} when the client
     *         uses SMTPUTF8 / 8BITMIME and the internal server does not offer it, or the
     *         internal server's own reply to MAIL, passed through
     */
    DownstreamTransaction open(Envelope envelope) throws DownstreamRefusal;

    /** Whether the internal server answers right now (for {@code /health}). */
    boolean isReachable();

    @Override
    void close();
}
