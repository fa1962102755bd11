package org.spfgate.listener;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spfgate.message.DotTerminatedData;
import org.spfgate.relay.Reply;
import org.spfgate.session.SmtpSession;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.CommandException;
import org.subethamail.smtp.internal.server.CommandHandler;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.Session;

/**
 * Our SMTP verbs on SubEtha's command loop. SubEtha keeps the socket, the line reader and the
 * TLS handshake; HELO/EHLO, MAIL, RCPT and DATA are ours and hand the client's text to
 * {@link SmtpSession}, because SubEtha's own versions lose the MAIL parameters (BODY, SMTPUTF8),
 * reply without enhanced status codes, skip the dot-unstuffing of the first line, and answer a
 * rejected DATA without resetting the transaction. STARTTLS, RSET, NOOP, QUIT, VRFY, EXPN, HELP
 * and AUTH are ours too, only so that every reply carries an enhanced status code: EHLO offers
 * ENHANCEDSTATUSCODES (RFC 2034 3). SubEtha alone still answers an unknown verb ({@code 500 Error:
 * command not implemented}) and an idle client ({@code 421 Timeout waiting for data from client.}):
 * both replies are written by its final CommandHandler and Session. BDAT is refused (CHUNKING is
 * not offered).
 * Every verb runs under {@link GuardedCommand}: during a shutdown, new transactions get 421, and
 * a bug anywhere on the message path becomes {@code 451 4.3.0 internal error}.
 */
final class SmtpCommands {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpCommands.class);
    /**
     * Commands other than RCPT and QUIT that a connection may send before its next delivered
     * message (Postfix's smtpd_junk_command_limit is also 100): a NOOP, RSET or VRFY loop does
     * nothing but hold a connection slot, which each command's time-out cannot stop; a MAIL that
     * never delivers counts too, since each one opens a transaction on the internal server (a
     * MAIL/RSET loop made it run thousands a second). RCPT is bounded by the session's limits on
     * refused recipients.
     */
    static final int MAX_COMMANDS_WITHOUT_MAIL = 100;
    private static final Set<String> UNCOUNTED_VERBS = Set.of("RCPT", "QUIT");

    private SmtpCommands() {
    }

    static void install(CommandHandler handler, ConnectionGate gate, boolean tlsOffered, int maxMessageSize,
            Duration commandTimeout, Duration dataTimeout) {
        handler.addCommand(new HeloCommand("HELO", gate, tlsOffered, maxMessageSize));
        handler.addCommand(new HeloCommand("EHLO", gate, tlsOffered, maxMessageSize));
        handler.addCommand(new MailFromCommand(gate));
        handler.addCommand(new RcptToCommand(gate));
        handler.addCommand(new DataCommand(gate, commandTimeout, dataTimeout));
        handler.addCommand(new BdatRefusal());
        handler.addCommand(new StartTlsCommand(gate));
        handler.addCommand(new ResetCommand(gate));
        // NOOP (RFC 5321 4.1.1.9)
        handler.addCommand(new FixedReply("NOOP", "Does nothing.", "250 2.0.0 Ok"));
        handler.addCommand(new QuitCommand());
        handler.addCommand(new VrfyCommand());
        // EXPN (RFC 5321 3.5.3, 7.3): mailing lists are not disclosed
        handler.addCommand(new FixedReply("EXPN", "Not offered.", "502 5.5.1 EXPN not available"));
        handler.addCommand(new HelpCommand());
        // AUTH is not offered (RFC 4954 is for submission, not for a border gateway)
        handler.addCommand(new FixedReply("AUTH", "Not offered.", "502 5.5.1 AUTH not offered"));
        for (String verb : List.copyOf(handler.getVerbs())) {
            handler.addCommand(new GuardedCommand(handler.getCommand(verb), gate));
        }
    }

    /** Sends the session's reply; a {@code 421} also closes the connection (RFC 5321 3.8). */
    static void send(Session session, Reply reply) throws IOException, DropConnectionException {
        if (reply.code() == 421) {
            throw new DropConnectionException(421, reply.text());
        }
        reply(session, reply.code() + " " + reply.text());
    }

    /**
     * Writes one reply (its lines joined by CRLF, without the last CRLF) to the client in one
     * write, as the bytes SubEtha's {@code sendResponse} would write (UTF-8, then flushed), but
     * without its character writer: a {@code PrintWriter} over a {@code BufferedWriter} over an
     * encoder, each with its lock, for every reply. Every reply of ours goes this way, the
     * deadlines' 421s included; what SubEtha writes itself (the greeting, its time-out and error
     * replies) still goes through that writer, which it flushes every time, so the two never hold
     * each other's bytes. After STARTTLS the socket is the TLS one.
     *
     * <p>A reply that cannot be written (the client left, or its write deadline closed the socket)
     * is dropped without an exception, as SubEtha's {@code PrintWriter} drops it: the session's
     * next read finds the connection gone and ends it quietly, instead of a logged stack trace per
     * vanished client.
     */
    static void reply(Session session, String reply) {
        try {
            OutputStream out = session.getSocket().getOutputStream();
            out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException gone) {
            // the connection is gone: nothing to tell the client, the next read ends the session
        }
    }

    static SmtpSession smtp(ConnectionGate gate, Session session) throws DropConnectionException {
        Connection connection = gate.connection(session);
        if (connection == null) {
            throw new DropConnectionException(421, "4.3.0 Session not admitted");
        }
        return connection.smtp();
    }

    /**
     * Every verb: during a graceful shutdown, 421 4.3.2 for every command outside a transaction;
     * 421 4.7.0 after {@link #MAX_COMMANDS_WITHOUT_MAIL}; the start of the next command line's
     * deadline when it is answered ({@link ClientDeadlines}); and the one place where a bug in our code
     * (policy, headers, relay) is caught, so that the client never sees a stack trace nor a
     * connection that silently goes away.
     */
    private static final class GuardedCommand implements Command {
        private final Command wrapped;
        private final ConnectionGate gate;

        GuardedCommand(Command wrapped, ConnectionGate gate) {
            this.wrapped = wrapped;
            this.gate = gate;
        }

        @Override
        public void execute(String commandString, Session session) throws IOException, DropConnectionException {
            Connection connection = gate.connection(session);
            boolean transactionBefore = connection != null && connection.smtp().inTransaction();
            if (gate.isShuttingDown() && !transactionBefore && !"QUIT".equals(getName())) {
                throw new DropConnectionException(421, "4.3.2 Service shutting down, try again later");
            }
            // only a delivered message starts the count afresh (below)
            boolean counted = !UNCOUNTED_VERBS.contains(getName());
            if (connection != null && counted && connection.commandWithoutDelivery() > MAX_COMMANDS_WITHOUT_MAIL) {
                throw new DropConnectionException(421, "4.7.0 too many commands without mail, closing");
            }
            int deliveriesBefore = connection == null ? 0 : connection.smtp().deliveries();
            DropConnectionException[] drop = new DropConnectionException[1];
            Connection.CommandBody guarded = () -> {
                try {
                    wrapped.execute(commandString, session);
                } catch (DropConnectionException e) {
                    drop[0] = e;
                } catch (RuntimeException bug) {
                    drop[0] = internalError(bug, session, connection);
                }
            };
            if (connection == null) {
                guarded.run();
            } else {
                connection.execute(guarded);
                if (connection.smtp().deliveries() > deliveriesBefore) {
                    connection.delivered();
                }
                connection.commandEnded();
            }
            if (drop[0] != null) {
                throw drop[0];
            }
        }

        /**
         * A bug: logged once with its stack trace (here, not to the client), the transaction
         * abandoned, {@code 451 4.3.0}. After DATA's 354 the rest of the message may still be on
         * its way, and none of it may ever be read as a command: then the connection is closed.
         */
        private DropConnectionException internalError(RuntimeException bug, Session session, Connection connection)
                throws IOException {
            LOG.error("internal error in {} from {}", getName(), session.getRemoteAddress(), bug);
            try {
                if (connection != null) {
                    connection.smtp().reset(); // the downstream transaction aborted, the decision logged
                }
            } catch (RuntimeException again) {
                LOG.error("could not reset the transaction after the internal error", again);
                return new DropConnectionException(421, "4.3.0 internal error, closing connection");
            }
            if ("DATA".equals(getName())) {
                return new DropConnectionException(421, "4.3.0 internal error, closing connection");
            }
            reply(session, "451 4.3.0 internal error");
            return null;
        }

        @Override
        public HelpMessage getHelp() throws CommandException {
            return wrapped.getHelp();
        }

        @Override
        public String getName() {
            return wrapped.getName();
        }
    }

    /** HELO and EHLO (RFC 5321 4.1.1.1); EHLO lists what we offer. */
    private static final class HeloCommand extends BaseCommand {
        private final ConnectionGate gate;
        private final boolean tlsOffered;
        private final int maxMessageSize;

        HeloCommand(String verb, ConnectionGate gate, boolean tlsOffered, int maxMessageSize) {
            super(verb, "Introduce yourself.", "<hostname>");
            this.gate = gate;
            this.tlsOffered = tlsOffered;
            this.maxMessageSize = maxMessageSize;
        }

        @Override
        public void execute(String commandString, Session session) throws IOException, DropConnectionException {
            boolean ehlo = getName().equals("EHLO");
            String name = commandString.length() > 4 ? commandString.substring(4).strip() : "";
            Reply reply = smtp(gate, session).helo(name, ehlo);
            if (!reply.isPositive() || !ehlo) {
                send(session, reply);
                return;
            }
            StringBuilder response = new StringBuilder();
            response.append("250-").append(reply.text());
            response.append("\r\n250-PIPELINING");
            response.append("\r\n250-SIZE ").append(maxMessageSize);
            response.append("\r\n250-8BITMIME");
            if (tlsOffered && !session.isTLSStarted()) {
                response.append("\r\n250-STARTTLS");
            }
            response.append("\r\n250-ENHANCEDSTATUSCODES");
            response.append("\r\n250 SMTPUTF8");
            reply(session, response.toString());
        }
    }

    private static final class MailFromCommand extends BaseCommand {
        private final ConnectionGate gate;

        MailFromCommand(ConnectionGate gate) {
            super("MAIL", "Specifies the sender.", "FROM: <sender> [ <parameters> ]");
            this.gate = gate;
        }

        @Override
        public void execute(String commandString, Session session) throws IOException, DropConnectionException {
            send(session, smtp(gate, session).mail(getArgPredicate(commandString)));
        }
    }

    private static final class RcptToCommand extends BaseCommand {
        private final ConnectionGate gate;

        RcptToCommand(ConnectionGate gate) {
            super("RCPT", "Specifies a recipient.", "TO: <recipient>");
            this.gate = gate;
        }

        @Override
        public void execute(String commandString, Session session) throws IOException, DropConnectionException {
            send(session, smtp(gate, session).rcpt(getArgPredicate(commandString)));
        }
    }

    /** DATA (RFC 5321 4.1.1.4): the message is streamed to the internal server while it arrives. */
    private static final class DataCommand extends BaseCommand {
        private final ConnectionGate gate;
        private final int commandTimeoutMs;
        private final int dataTimeoutMs;

        DataCommand(ConnectionGate gate, Duration commandTimeout, Duration dataTimeout) {
            super("DATA", "Following text is collected as the message. End with <CR><LF>.<CR><LF>");
            this.gate = gate;
            this.commandTimeoutMs = (int) Math.min(Integer.MAX_VALUE, commandTimeout.toMillis());
            this.dataTimeoutMs = (int) Math.min(Integer.MAX_VALUE, dataTimeout.toMillis());
        }

        @Override
        public void execute(String commandString, Session session) throws IOException, DropConnectionException {
            if (!commandString.strip().equalsIgnoreCase("DATA")) {
                reply(session, "501 5.5.4 DATA takes no parameters");
                return;
            }
            SmtpSession smtp = smtp(gate, session);
            Reply ready = smtp.dataAllowed();
            send(session, ready);
            if (ready.code() != 354) {
                return;
            }
            DotTerminatedData message = new DotTerminatedData(session.getRawInput());
            Reply reply;
            session.getSocket().setSoTimeout(dataTimeoutMs);
            try {
                reply = smtp.data(message);
                // Whatever the outcome, nothing of the message may be read as a command.
                message.drain();
            } catch (SocketTimeoutException e) {
                throw new DropConnectionException(421, "4.4.2 Timeout waiting for data, closing connection");
            } catch (IOException lost) {
                // the client went away mid-message: the downstream was aborted, nothing delivered
                throw new DropConnectionException(421, "4.4.2 Connection lost during DATA");
            } finally {
                if (!session.getSocket().isClosed()) {
                    session.getSocket().setSoTimeout(commandTimeoutMs);
                }
            }
            send(session, reply);
        }
    }

    /**
     * STARTTLS (RFC 3207 4): SubEtha's steps with enhanced status codes; afterwards the session
     * forgets the HELO and records the TLS.
     */
    private static final class StartTlsCommand extends BaseCommand {
        private final ConnectionGate gate;

        StartTlsCommand(ConnectionGate gate) {
            super("STARTTLS", "Starts TLS on this connection.");
            this.gate = gate;
        }

        @Override
        public void execute(String commandString, Session session) throws IOException, DropConnectionException {
            if (!commandString.strip().equalsIgnoreCase("STARTTLS")) {
                reply(session, "501 5.5.4 STARTTLS takes no parameters");
                return;
            }
            if (!session.getServer().getEnableTLS()) {
                reply(session, "454 4.7.0 TLS not available");
                return;
            }
            if (session.getSocket() instanceof SSLSocket) {
                reply(session, "503 5.5.1 TLS already active");
                return;
            }
            reply(session, "220 2.0.0 Ready to start TLS");
            try {
                SSLSocket tls = session.getServer().createSSLSocket(session.getSocket());
                tls.startHandshake();
                session.setSocket(tls);
                // RFC 3207 4.2: the client starts over, nothing said before the handshake counts
                session.resetSmtpProtocol();
                session.setTlsStarted(true);
            } catch (IOException failed) {
                // as SubEtha: one line, no stack trace for the common "no cipher suites in common"
                LOG.warn("STARTTLS failed from {}: {}", session.getRemoteAddress(), failed.toString());
                return;
            }
            smtp(gate, session).tlsStarted();
        }
    }

    /** RSET (RFC 5321 4.1.1.5): the transaction ends, and with it the downstream transaction. */
    private static final class ResetCommand extends BaseCommand {
        private final ConnectionGate gate;

        ResetCommand(ConnectionGate gate) {
            super("RSET", "Resets the mail transaction.");
            this.gate = gate;
        }

        @Override
        public void execute(String commandString, Session session) throws IOException, DropConnectionException {
            smtp(gate, session).reset();
            reply(session, "250 2.0.0 Ok");
        }
    }

    /** A command whose answer never varies (NOOP, EXPN, AUTH). */
    private static final class FixedReply extends BaseCommand {
        private final String reply;

        FixedReply(String name, String help, String reply) {
            super(name, help);
            this.reply = reply;
        }

        @Override
        public void execute(String commandString, Session session) throws IOException {
            reply(session, reply);
        }
    }

    /**
     * QUIT (RFC 5321 4.1.1.10): closes the connection; an open transaction is ended when the
     * connection gate sees the session end, which aborts the downstream.
     */
    private static final class QuitCommand extends BaseCommand {
        QuitCommand() {
            super("QUIT", "Closes the connection.");
        }

        @Override
        public void execute(String commandString, Session session) throws IOException {
            reply(session, "221 2.0.0 Bye");
            session.quit();
        }
    }

    /**
     * VRFY (RFC 5321 3.5.3, 7.3): 252, so that nobody learns from us which users exist; the
     * internal server decides at RCPT.
     */
    private static final class VrfyCommand extends BaseCommand {
        VrfyCommand() {
            super("VRFY", "Does not verify, accepts and attempts delivery.", "<address>");
        }

        @Override
        public void execute(String commandString, Session session) throws IOException {
            if (getArgPredicate(commandString).isEmpty()) {
                reply(session, "501 5.5.4 Syntax: VRFY <address>");
                return;
            }
            reply(session, "252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery");
        }
    }

    /** HELP (RFC 5321 4.1.1.8): one line, the same for every topic. */
    private static final class HelpCommand extends BaseCommand {
        HelpCommand() {
            super("HELP", "Points to RFC 5321.", "[ <topic> ]");
        }

        @Override
        public void execute(String commandString, Session session) throws IOException {
            reply(session, "214 2.0.0 See RFC 5321; commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY"
                    + (session.getServer().getEnableTLS() ? " STARTTLS" : ""));
        }
    }

    /**
     * BDAT without CHUNKING advertised: the chunk bytes that follow must never be read as
     * commands, so the connection is closed.
     */
    private static final class BdatRefusal extends BaseCommand {
        BdatRefusal() {
            super("BDAT", "Not offered.");
        }

        @Override
        public void execute(String commandString, Session session) throws DropConnectionException {
            throw new DropConnectionException(502, "5.5.1 BDAT not offered (no CHUNKING), closing connection");
        }
    }
}
