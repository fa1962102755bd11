package org.spfgate.listener;

import java.io.IOException;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * Has SubEtha build a connection's reader and writer again on the session's own thread when that
 * is a virtual one ({@link SessionThreads}), before the greeting, then hands over to the
 * {@link ConnectionGate}. SubEtha builds them on its accept thread, a platform thread, where the
 * JDK gives the reply writer's buffer 8,192 chars (16 KB) at once; built on a virtual thread it
 * starts at 512 and grows only for a longer reply (JDK 21+ {@code BufferedWriter}). An idle
 * session holds 15 KB less (docs/benchmarks.md).
 *
 * <p>Only without PROXY protocol: its header is read before this point, and the input buffer it
 * was read through may already hold the bytes that follow it.
 */
final class StreamsOnSessionThread implements SessionHandler {

    private final SessionHandler gate;

    StreamsOnSessionThread(SessionHandler gate) {
        this.gate = gate;
    }

    @Override
    public SessionAcceptance accept(Session session) {
        if (Thread.currentThread().isVirtual()) { // on a platform thread it would only allocate them again
            try {
                session.setSocket(session.getSocket()); // nothing has been read or written yet
            } catch (IOException gone) {
                // the client left already: SubEtha's own streams are still in place and fail as usual
            }
        }
        return gate.accept(session);
    }

    @Override
    public void onSessionEnd(Session session) {
        gate.onSessionEnd(session);
    }
}
