package org.spfgate.message;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The client's message as the session's DATA step sees it before our own headers are written:
 * its {@link MessageHead head} (always, bounded), and the whole of it {@link HeldMessage held}
 * when a verdict needs all of it. {@link #content()} gives the bytes to relay, unchanged: the
 * head, then the rest — from the held copy, or still streaming from the client.
 *
 * <p>Close it in every outcome (try-with-resources): that removes a held copy's temporary file.
 */
public final class IncomingMessage implements AutoCloseable {

    private final MessageHead head;
    private final HeldMessage held;
    private final InputStream rest;

    private IncomingMessage(MessageHead head, HeldMessage held, InputStream rest) {
        this.head = head;
        this.held = held;
        this.rest = rest;
    }

    /**
     * Reads the head of {@code message}; with {@code holdWhole}, also the rest, to its end.
     *
     * @param directory where a held message too large for memory goes
     * @throws IOException reading failed (nothing is left behind)
     */
    public static IncomingMessage read(InputStream client, boolean holdWhole, Path directory) throws IOException {
        // Buffered: the head is read in pieces past its end and the excess given back (mark and
        // reset); the rest continues from the same buffer.
        // One page: the filters upstream hand over at most 4 KiB per read.
        InputStream message = new BufferedInputStream(client, 4096);
        MessageHead head = MessageHead.read(message);
        if (!holdWhole) {
            return new IncomingMessage(head, null, message);
        }
        return new IncomingMessage(head, HeldMessage.hold(message, HeldMessage.DEFAULT_MEMORY_LIMIT, directory), null);
    }

    /** The header block: e.g. its topmost {@code Received} field, its {@code DKIM-Signature}s. */
    public MessageHead head() {
        return head;
    }

    /** The bytes after the head, when the message is held. */
    public Optional<HeldMessage> held() {
        return Optional.ofNullable(held);
    }

    /** The whole message, byte for byte as it came: the head, then the rest. Once. */
    public InputStream content() throws IOException {
        return held != null ? held.openAfter(head) : new SequenceInputStream(
                head.stream(), rest);
    }

    /** Removes the held copy's temporary file, if any. */
    @Override
    public void close() throws IOException {
        if (held != null) {
            held.close();
        }
    }
}
