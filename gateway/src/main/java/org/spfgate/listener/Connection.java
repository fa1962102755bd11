package org.spfgate.listener;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;
import org.spfgate.session.SmtpSession;
import org.subethamail.smtp.server.Session;

/**
 * One admitted client connection: SubEtha's session (socket and SMTP state) and our
 * {@link SmtpSession} (the message path). The command lock is held while a command executes, so
 * a graceful shutdown never closes a connection in the middle of one.
 */
final class Connection {

    private final Session subetha;
    private final SmtpSession smtp;
    private final ReentrantLock commandLock = new ReentrantLock();
    private boolean closed;
    private int commandsWithoutMail;

    Connection(Session subetha, SmtpSession smtp) {
        this.subetha = subetha;
        this.smtp = smtp;
    }

    SmtpSession smtp() {
        return smtp;
    }

    /** Counts a command that is no part of a mail transaction; returns how many since the last MAIL. */
    int commandWithoutMail() {
        return ++commandsWithoutMail;
    }

    /** A MAIL opened a transaction: the client is doing what it came for. */
    void mailStarted() {
        commandsWithoutMail = 0;
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
            try {
                subetha.sendResponse("421 4.3.2 Service shutting down, try again later");
            } catch (IOException gone) {
                // the client left already
            }
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
