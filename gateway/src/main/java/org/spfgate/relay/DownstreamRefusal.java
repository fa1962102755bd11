package org.spfgate.relay;

import java.util.Objects;

/**
 * A downstream step that did not succeed, with the reply our client must get for it and what
 * kind of failure it was, so that nobody has to read the reply text to count it.
 */
public final class DownstreamRefusal extends Exception {

    /** What went wrong: stated where the refusal is made. */
    public enum Kind {
        /** No connection: connect failed, or the internal server refused us at the greeting or EHLO. */
        UNREACHABLE,
        /** Connected, then the internal server did not answer within the time-out. */
        TIMEOUT,
        /** The connection broke after it was made. */
        LOST,
        /** {@code relay.tls: required} and STARTTLS not offered, refused or failed. */
        TLS,
        /** Every {@code relay.connections} slot stayed busy for the connect time-out. */
        BUSY,
        /** The client uses SMTPUTF8 or 8BITMIME and the internal server does not offer it. */
        UNSUPPORTED_EXTENSION,
        /** An address with control characters, which is never written on the wire. */
        ADDRESS,
        /** The internal server refused, in a reply passed on as it is ({@code 421} as {@code 451}). */
        REJECTED,
        /** The internal server answered with something that is not SMTP's answer to the command. */
        PROTOCOL,
        /** The downstream is closed: the gateway is shutting down. */
        SHUTTING_DOWN,
        /** The delivery directory could not store the message. */
        STORAGE
    }

    private final Kind kind;
    private final transient Reply reply;

    public DownstreamRefusal(Kind kind, Reply reply) {
        this(kind, reply, null);
    }

    public DownstreamRefusal(Kind kind, Reply reply, Throwable cause) {
        super(kind + ": " + reply, cause, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.reply = Objects.requireNonNull(reply, "reply");
    }

    public Kind kind() {
        return kind;
    }

    public Reply reply() {
        return reply;
    }
}
