package org.spfgate.listener;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;
import org.spfgate.metrics.ClientDeadline;
import org.spfgate.session.SmtpSession;
import org.subethamail.smtp.server.Session;

/**
 * One admitted client connection: SubEtha's session (socket and SMTP state) and our
 * {@link SmtpSession} (the message path). The command lock is held while a command executes, so
 * a graceful shutdown never closes a connection in the middle of one. The command-line and
 * session deadlines ({@link ClientDeadlines}) are judged here.
 */
final class Connection {

    private final Session subetha;
    private final SmtpSession smtp;
    /** The accepted socket, under any TLS layered on it later. */
    private final ClientSocket socket;
    private final long openedAt = System.nanoTime();
    private final ReentrantLock commandLock = new ReentrantLock();
    private volatile boolean closed;
    private int commandsWithoutDelivery;

    Connection(Session subetha, SmtpSession smtp, ClientSocket socket) {
        this.subetha = subetha;
        this.smtp = smtp;
        this.socket = socket;
    }

    SmtpSession smtp() {
        return smtp;
    }

    /** Counts a command that delivers nothing; returns how many since the last delivered message. */
    int commandWithoutDelivery() {
        return ++commandsWithoutDelivery;
    }

    /** A message was delivered: the client is doing what it came for. */
    void delivered() {
        commandsWithoutDelivery = 0;
    }

    /** A command has been answered: the next command line's deadline starts with its first octet. */
    void commandEnded() {
        if (socket == null || socket.isClosed() || subetha.getSocket().isClosed()) {
            return; // QUIT or a drop: no next command (and asking a closed stream would throw)
        }
        boolean pipelined;
        try {
            pipelined = subetha.getRawInput().available() > 0;
        } catch (IOException gone) {
            pipelined = false;
        }
        socket.commandEnded(pipelined);
    }

    /**
     * Which deadline this connection has passed, if any; {@code null} while none has, or while
     * the session is not waiting for the client (a command waiting on the internal server — the
     * reply to the final dot above all — is never cut: that could deliver a message twice).
     */
    /** The read time-out and the write deadline ({@link ClientSocket}), judged by the same sweep as the others. */
    void expireIfOverdue(long now) {
        if (socket != null) {
            socket.expireIfOverdue(now);
        }
    }

    ClientDeadline overdue(long now, long commandNanos, long sessionNanos) {
        if (closed || socket == null || !socket.isWaitingForClient()) {
            return null;
        }
        if (now - openedAt > sessionNanos) {
            return ClientDeadline.SESSION;
        }
        long lineStarted = socket.lineStartedAt();
        if (!commandLock.isLocked() && lineStarted != 0 && now - lineStarted > commandNanos) {
            return ClientDeadline.COMMAND;
        }
        return null;
    }

    /**
     * Ends the connection at a deadline: {@code reply} (421, RFC 5321 3.8), then the socket is
     * closed under the session's blocked read, which ends the session; an open transaction is
     * aborted with it, its relay connection given back. The write has its own deadline.
     */
    void expire(String reply) {
        closed = true;
        SmtpCommands.reply(subetha, reply); // a client that left already is not told
        subetha.quit();
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed is all we wanted
        }
    }

    /** Runs one command; returns false (without running it) if the connection was closed meanwhile. */
    boolean execute(CommandBody body) throws IOException {
        commandLock.lock();
        try {
            if (closed) {
                return false;
            }
            body.run();
            return true;
        } finally {
            commandLock.unlock();
        }
    }

    void closeIfIdle() {
        if (!commandLock.tryLock()) {
            return;
        }
        try {
            if (closed || smtp.inTransaction()) {
                return;
            }
            closed = true;
            SmtpCommands.reply(subetha, "421 4.3.2 Service shutting down, try again later");
            subetha.quit();
        } finally {
            commandLock.unlock();
        }
    }

    @FunctionalInterface
    interface CommandBody {
        void run() throws IOException;
    }
}
