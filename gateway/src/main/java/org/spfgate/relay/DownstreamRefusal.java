package org.spfgate.relay;

/** A downstream step that did not succeed, with the reply our client must get for it. */
public final class DownstreamRefusal extends Exception {

    private final transient Reply reply;

    public DownstreamRefusal(Reply reply) {
        super(reply.toString(), null, false, false);
        this.reply = reply;
    }

    public DownstreamRefusal(Reply reply, Throwable cause) {
        super(reply.toString(), cause, false, false);
        this.reply = reply;
    }

    public Reply reply() {
        return reply;
    }
}
