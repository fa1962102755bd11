package org.spfgate.session;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.spfgate.config.TrustedEntry;
import org.spfgate.dkim.DkimResult;
import org.spfgate.headers.SmtpTrace;
import org.spfgate.maillog.TransactionRecord;
import org.spfgate.message.BareLineEndingException;
import org.spfgate.message.BareLineEndingFilter;
import org.spfgate.message.HeldMessage;
import org.spfgate.message.IncomingMessage;
import org.spfgate.message.MessageHead;
import org.spfgate.message.MessageTooLargeException;
import org.spfgate.message.OwnAuthenticationResultsFilter;
import org.spfgate.message.SizeLimitedInputStream;
import org.spfgate.metrics.DkimRescueOutcome;
import org.spfgate.metrics.MessageOutcome;
import org.spfgate.policy.ClientTrust;
import org.spfgate.policy.DkimRescue;
import org.spfgate.policy.Recipient;
import org.spfgate.policy.RecipientCheck;
import org.spfgate.policy.RejectionReason;
import org.spfgate.policy.SpfThroughRelay;
import org.spfgate.policy.Verdict;
import org.spfgate.relay.DownstreamRefusal;
import org.spfgate.relay.DownstreamTransaction;
import org.spfgate.relay.Envelope;
import org.spfgate.relay.Reply;
import org.spfgate.spf.SpfIdentity;
import org.spfgate.spf.SpfVerdict;

/**
 * One client connection's SMTP conversation, from HELO to QUIT: the message path of the gateway
 * written down once. Each method takes what the client sent and returns the reply it gets.
 *
 * <pre>
 * HELO  name sane? (control characters, length)                            else 501
 * MAIL  argument and parameters sane? SIZE within the limit?                else 501 / 555 / 552
 *       trusted client (networks, mx_of, forward-confirmed rDNS, spf_domains)? then no SPF here
 *       otherwise SPF: MAIL FROM identity, and HELO identity with check_helo
 *       downstream transaction opens (MAIL FROM to the internal server)     else 451 4.4.1 / 553 / 554
 * RCPT  under the refused-recipient limit of the connection?              else 421 4.7.0, closed
 *       argument sane? under max_recipients?                                else 501 / 452 4.5.3
 *       our domain, no relay trick?                                         else 554 5.7.1
 *       SPF action for this recipient (exempt recipients, report-only)     else 550 5.7.23 / 451 4.4.3 ...
 *       (spf.dkim_rescue: a listed result's refusal waits for the end of DATA;
 *        waiting and exempt recipients never share a transaction)          else 452 4.5.3
 *       downstream RCPT                                                     its reply, as is
 * DATA  size limit → bare line endings → our Authentication-Results removed
 *       the message's head read (bounded); held whole if DKIM must decide
 *       verdicts on the message: aligned DKIM signature? (RFC 6376)        else 550 5.7.23 / 451 4.4.3, nothing relayed
 *       our headers → relay: the internal server's reply to the final dot is ours (never 250 before its 250)
 * </pre>
 *
 * Not thread-safe: SubEtha calls one session from one thread at a time.
 */
public final class SmtpSession {

    /** RFC 5321 4.5.3.1.2: a domain is at most 255 octets. */
    private static final int MAX_HELO_LENGTH = 255;
    /**
     * Recipients one connection may have refused permanently before it is closed (Postfix's
     * smtpd_hard_error_limit, also 20): address harvesting and relay probing look like this, an
     * honest client does not. 4xx refusals do not count: {@code 452 4.5.3} too many recipients is
     * what an honest client with a long list gets, and a deferral is ours, not the client's fault.
     */
    static final int MAX_REFUSED_RECIPIENTS = 20;
    /**
     * Recipients one connection may have deferred (4xx) before it is closed (Postfix's
     * smtpd_recipient_overshoot_limit, also 1000): high enough for an honest client's long list
     * against {@code 452 4.5.3}, but an RCPT loop must not hold the transaction, and with it a
     * downstream connection, forever.
     */
    static final int MAX_DEFERRED_RECIPIENTS = 1000;
    /**
     * Transactions of one connection abandoned before any RCPT (MAIL, then RSET, HELO or QUIT)
     * that still get their decision-log line; later ones are only counted
     * (spfgate_decision_log_suppressed_total). Such a transaction decides nothing about a message,
     * and a MAIL/RSET loop would otherwise write several times more log than it sends.
     */
    static final int MAX_LOGGED_ABANDONED = 10;
    /** RFC 5321 3.8: 421 tells the client that we close the connection. */
    private static final Reply TOO_MANY_ERRORS = new Reply(421, "4.7.0 too many errors, closing");

    private final Sessions sessions;
    private final Sessions.Generation generation;
    private final SessionConfig config;
    private final InetAddress client;
    private ClientTrust trust;
    private String helo;
    private boolean extended;
    private boolean tls;
    private SpfVerdict heloVerdict;
    private Transaction transaction;
    private int refusedRecipients;
    private int deferredRecipients;
    private int deliveries;
    private int abandoned;

    SmtpSession(Sessions sessions, Sessions.Generation generation, InetAddress client) {
        this.sessions = sessions;
        this.generation = generation;
        this.config = generation.config;
        this.client = client;
    }

    /** HELO or EHLO (RFC 5321 4.1.1.1); a new greeting also ends any open transaction. */
    public Reply helo(String name, boolean ehlo) {
        reset();
        if (name.isEmpty() || name.length() > MAX_HELO_LENGTH || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            sessions.metrics.rejected(RejectionReason.BAD_SYNTAX);
            return new Reply(501, "5.5.4 Invalid " + (ehlo ? "EHLO" : "HELO") + " name");
        }
        this.helo = name;
        this.extended = ehlo;
        this.heloVerdict = null;
        return new Reply(250, config.hostname());
    }

    /** After STARTTLS the client starts over with EHLO (RFC 3207 4.2). */
    public void tlsStarted() {
        reset();
        tls = true;
        helo = null;
        heloVerdict = null;
    }

    public Reply mail(String argument) {
        if (transaction != null) {
            return new Reply(503, "5.5.1 Sender already specified");
        }
        if (helo == null) {
            return new Reply(503, "5.5.1 Send HELO or EHLO first");
        }
        CommandArgument parsed;
        MailParameters parameters;
        try {
            parsed = CommandArgument.parse(argument, "FROM");
            parameters = MailParameters.of(parsed.parameters());
        } catch (CommandArgument.Malformed e) {
            sessions.metrics.rejected(RejectionReason.BAD_SENDER);
            return new Reply(501, "5.5.4 " + e.getMessage());
        } catch (MailParameters.Unsupported e) {
            return new Reply(555, "5.5.4 " + e.getMessage());
        }
        String sender = withoutSourceRoute(parsed.path());
        if (!sender.isEmpty() && !isMailbox(sender)) {
            sessions.metrics.rejected(RejectionReason.BAD_SENDER);
            return new Reply(501, "5.1.7 Bad sender address syntax");
        }
        if (!parameters.smtpUtf8() && !parsed.isAscii()) {
            sessions.metrics.rejected(RejectionReason.BAD_SENDER);
            return new Reply(553, "5.6.7 Non-ASCII address needs SMTPUTF8"); // RFC 6531 3.5
        }
        if (parameters.declaredSize() > config.maxMessageSize()) {
            sessions.metrics.rejected(RejectionReason.MESSAGE_TOO_LARGE);
            return new Reply(552, "5.3.4 Message size exceeds fixed limit of " + config.maxMessageSize() + " bytes");
        }
        if (trust == null) {
            trust = config.trustedClients().check(client, helo);
        }
        Transaction tx = new Transaction(sessions.nextTransactionId(), sender, parameters.smtpUtf8());
        if (trust instanceof ClientTrust.Trusted trusted) {
            // A trusted client (secondary MX, forwarder) is not the sender's server, so its IP says
            // nothing about the sender: no SPF check for it. With spf: through, SPF is evaluated at
            // DATA for the client before it, named by the message's topmost Received field. Either
            // way the trust shows in log, metric and headers, and SPF never refuses its mail.
            sessions.metrics.trustedClient(trusted.name());
            tx.log.trusted(trusted.name(), trusted.matcher().key(), trusted.treatment().token());
        } else {
            // RFC 7208 2.4: the MAIL FROM identity (postmaster@<helo> for the null sender) ...
            tx.mailFromVerdict = check(SpfIdentity.MAILFROM, sender);
            tx.log.spf(tx.mailFromVerdict);
            // ... and RFC 7208 2.3: the HELO identity, once per greeting.
            if (config.checkHelo()) {
                if (heloVerdict == null) {
                    heloVerdict = check(SpfIdentity.HELO, helo);
                }
                tx.heloVerdict = heloVerdict;
                tx.log.heloSpf(heloVerdict);
            }
        }
        // A client IP already holding its share of the relay connections waits (given back by
        // end()); a trusted relay (a backup MX flushing its queue) is not bounded.
        tx.holdsSlot = !(trust instanceof ClientTrust.Trusted);
        if (tx.holdsSlot && !sessions.transactions.tryOpen(client)) {
            sessions.metrics.rejected(RejectionReason.TOO_MANY_TRANSACTIONS);
            return new Reply(451, "4.7.0 Too many transactions from " + client.getHostAddress()
                    + " at once, try again later");
        }
        try {
            tx.downstream = generation.downstream.open(new Envelope(
                    sender, parameters.smtpUtf8(), parameters.eightBitMime(), parameters.declaredSize()));
        } catch (DownstreamRefusal refusal) {
            return end(tx, refusal.reply(), relayRefused(refusal));
        } catch (RuntimeException bug) {
            if (tx.holdsSlot) {
                sessions.transactions.close(client);
            }
            throw bug;
        }
        transaction = tx;
        return new Reply(250, "2.1.0 Sender OK");
    }

    public Reply rcpt(String argument) {
        Transaction tx = transaction;
        if (tx == null) {
            return new Reply(503, "5.5.1 Need MAIL before RCPT");
        }
        if (refusedRecipients >= MAX_REFUSED_RECIPIENTS || deferredRecipients >= MAX_DEFERRED_RECIPIENTS) {
            transaction = null;
            tx.downstream.abort();
            return end(tx, TOO_MANY_ERRORS, RejectionReason.TOO_MANY_ERRORS);
        }
        CommandArgument parsed;
        try {
            parsed = CommandArgument.parse(argument, "TO");
        } catch (CommandArgument.Malformed e) {
            return tx.refused(null, new Reply(501, "5.5.4 " + e.getMessage()), RejectionReason.BAD_RECIPIENT);
        }
        String address = parsed.path();
        if (!parsed.parameters().isEmpty()) {
            return tx.refused(address, new Reply(555, "5.5.4 RCPT parameters not supported"), RejectionReason.BAD_SYNTAX);
        }
        if (!tx.smtpUtf8 && !parsed.isAscii()) {
            return tx.refused(address, new Reply(553, "5.6.7 Non-ASCII address needs SMTPUTF8"),
                    RejectionReason.BAD_RECIPIENT);
        }
        if (tx.accepted.size() >= config.maxRecipients()) {
            return tx.refused(address, new Reply(452, "4.5.3 Too many recipients"), RejectionReason.TOO_MANY_RECIPIENTS);
        }
        // Our domains only, never a relay trick (RFC 5321 3.6.2, 7.1: no open relay).
        RecipientCheck check = config.recipients().check(address);
        if (check instanceof RecipientCheck.Refused refused) {
            return tx.refused(address, refused.reject().reply(), refused.reject().reason());
        }
        Recipient recipient = ((RecipientCheck.Accepted) check).recipient();
        // SPF is acted on here, per recipient, so that exempt recipients (postmaster, RFC 5321
        // 4.5.1) still get mail.
        Verdict.Waiver waiver = Verdict.Waiver.NONE;
        Verdict.Refusal waived = null;
        if (!(trust instanceof ClientTrust.Trusted)) {
            Verdict verdict = config.spfPolicy().decide(tx.mailFromVerdict, tx.heloVerdict, recipient);
            switch (verdict) {
                case Verdict.Refusal refusal -> {
                    return tx.refused(address, refusal.reply(), refusal.reason());
                }
                case Verdict.Accept accept -> {
                    waiver = accept.waiver();
                    waived = accept.wouldHaveBeen().orElse(null);
                }
            }
            // spf.dkim_rescue: one reply to the final dot must be right for every recipient, so
            // recipients waiting for DKIM and recipients accepted anyway never share a
            // transaction; the one that would mix them comes back in another (RFC 5321 4.5.3.1.10).
            boolean awaiting = waiver == Verdict.Waiver.AWAITING_DKIM;
            if (awaiting ? tx.acceptedAnyway : tx.awaitingDkim != null && waiver == Verdict.Waiver.EXEMPT_RECIPIENT) {
                return tx.refused(address, new Reply(452, "4.5.3 Send this recipient in a separate transaction"),
                        RejectionReason.SEPARATE_TRANSACTION);
            }
            if (waived != null) {
                tx.log.wouldReject(waived.reason().token());
                if (waiver == Verdict.Waiver.EXEMPT_RECIPIENT) {
                    tx.log.exemptRecipient(recipient.address());
                }
            }
        }
        Reply downstream;
        try {
            downstream = tx.downstream.recipient(recipient.address());
        } catch (DownstreamRefusal refusal) {
            return tx.refused(address, refusal.reply(), relayRefused(refusal));
        }
        if (!downstream.isPositive()) {
            return tx.refused(address, downstream, RejectionReason.DOWNSTREAM_REJECTED);
        }
        tx.accepted.add(recipient.address());
        tx.log.recipient(recipient.address());
        switch (waiver) {
            case EXEMPT_RECIPIENT -> tx.acceptedAnyway = true;
            case AWAITING_DKIM -> tx.awaitingDkim = waived;
            case REPORT_ONLY, NONE -> {
            }
        }
        return downstream;
    }

    /** Whether the client is a {@code trusted:} entry, as decided at its first MAIL; {@code null} before. */
    public ClientTrust trust() {
        return trust;
    }

    /**
     * The reply the open transaction's final dot gets unless an aligned DKIM signature verifies
     * ({@code spf.dkim_rescue}): its accepted recipients wait for it. Empty when nothing waits.
     */
    public Optional<Reply> awaitingDkim() {
        Transaction tx = transaction;
        return tx == null || tx.awaitingDkim == null ? Optional.empty() : Optional.of(tx.awaitingDkim.reply());
    }

    public boolean inTransaction() {
        return transaction != null;
    }

    /** Messages this connection has delivered so far (the internal server's 250 passed on). */
    public int deliveries() {
        return deliveries;
    }

    /** Whether DATA may start: a transaction with at least one accepted recipient. */
    public Reply dataAllowed() {
        if (transaction == null) {
            return new Reply(503, "5.5.1 Need MAIL before DATA");
        }
        if (transaction.accepted.isEmpty()) {
            return new Reply(554, "5.5.1 No valid recipients"); // RFC 5321 3.3
        }
        if (transaction.awaitingDkim == null) {
            // the message cannot be refused after this point by anything but the internal
            // server: its DATA can go now (with a DKIM verdict pending, no DATA before it)
            transaction.downstream.dataComing();
        }
        return new Reply(354, "End data with <CR><LF>.<CR><LF>");
    }

    /**
     * Relays the message. {@code message} is the client's DATA after dot-unstuffing, ending
     * where the client's data ended. A refused message may be left partly unread: the listener
     * reads the rest before it replies, so that no byte of it is ever read as a command. Ends
     * the transaction.
     *
     * @throws IOException the client connection failed mid-message; the downstream transaction
     *         was aborted without the final dot, nothing was delivered
     */
    public Reply data(InputStream message) throws IOException {
        Transaction tx = transaction;
        transaction = null;
        // 1. The inbound stream. Order matters: count what the client sent (the size limit is on
        //    its bytes), then settle bare CR and LF (RFC 5321 2.3.8), then drop forged
        //    Authentication-Results that claim to be ours (RFC 8601 5).
        SizeLimitedInputStream counted = new SizeLimitedInputStream(message, config.maxMessageSize());
        InputStream filtered = new OwnAuthenticationResultsFilter(
                new BareLineEndingFilter(counted, config.bareLineEndings()), config.hostname());
        long relayStart = System.nanoTime();
        Reply reply;
        // 2. The message itself, before any header of ours: its head (bounded), and all of it when
        //    a verdict needs all of it. Closing it removes a held copy's temporary file, whatever
        //    the outcome — relayed, refused, or the client gone.
        try (IncomingMessage incoming = IncomingMessage.read(filtered, tx.awaitingDkim != null,
                config.tempDirectory())) {
            // 3. Verdicts that depend on the message: nothing goes downstream before them.
            MessageVerdict verdict = messageVerdict(tx, incoming);
            if (verdict.refusal() != null) {
                tx.log.size(counted.count());
                tx.downstream.abort(); // no DATA, no final dot: nothing reaches the internal server
                return end(tx, verdict.refusal().reply(), verdict.refusal().reason());
            }
            // 4. Our trace headers, prepended (RFC 5321 4.4: a Received field goes on top).
            byte[] headers = traceHeaders(tx, verdict.dkim(), incoming.head());
            // 5. Relay, the message unchanged after our headers: the internal server's reply to
            //    the final dot is ours.
            relayStart = System.nanoTime();
            reply = tx.downstream.data(headers, incoming.content());
        } catch (DownstreamRefusal refusal) {
            tx.log.size(counted.count());
            sessions.metrics.relayed(Duration.ofNanos(System.nanoTime() - relayStart));
            return end(tx, refusal.reply(), relayRefused(refusal));
        } catch (MessageTooLargeException e) {
            tx.log.size(counted.count());
            return end(tx, new Reply(552, "5.3.4 Message size exceeds fixed limit of " + config.maxMessageSize()
                    + " bytes"), RejectionReason.MESSAGE_TOO_LARGE);
        } catch (BareLineEndingException e) {
            tx.log.size(counted.count());
            // RFC 5321 2.3.8: CR and LF only as CRLF; a bare one is how SMTP smuggling starts.
            return end(tx, new Reply(550, "5.6.0 Message contains a bare CR or LF"), RejectionReason.BARE_LINE_ENDING);
        } catch (IOException clientLost) {
            tx.log.size(counted.count());
            tx.downstream.abort();
            end(tx, null, null);
            throw clientLost;
        } catch (RuntimeException bug) {
            // never leave the internal server with half a message: abort it; the listener answers 421
            tx.downstream.abort();
            end(tx, null, null);
            throw bug;
        }
        tx.log.size(counted.count());
        sessions.metrics.relayed(Duration.ofNanos(System.nanoTime() - relayStart));
        if (reply.isPositive()) {
            tx.log.downstreamId(queueId(reply));
            return end(tx, reply, null);
        }
        sessions.metrics.relayFailed(DownstreamRefusal.Kind.REJECTED);
        return end(tx, reply, RejectionReason.DOWNSTREAM_REJECTED);
    }

    /**
     * What the message itself decided, before our headers are written: a refusal (nothing is
     * relayed), or go on — with the DKIM signature that rescued it, if one did.
     */
    private record MessageVerdict(Verdict.Refusal refusal, DkimResult dkim) {
        static final MessageVerdict RELAY = new MessageVerdict(null, null);
    }

    /**
     * The verdicts that need the message: {@code spf.dkim_rescue} — recipients whose SPF
     * refusal waited for the end of DATA are accepted only if an aligned DKIM signature
     * verifies (RFC 6376; RFC 7489 3.1.1), else the same refusal answers the final dot.
     */
    private MessageVerdict messageVerdict(Transaction tx, IncomingMessage incoming) throws IOException {
        if (tx.awaitingDkim == null) {
            return MessageVerdict.RELAY;
        }
        HeldMessage held = incoming.held().orElseThrow();
        DkimRescue.Outcome outcome = config.dkimRescue().decide(tx.awaitingDkim, tx.mailFromVerdict.domain(),
                incoming.head(), held::open);
        return switch (outcome) {
            case DkimRescue.Outcome.Rescued rescued -> {
                sessions.metrics.dkimRescue(DkimRescueOutcome.RESCUED);
                tx.log.rescuedByDkim(rescued.signature().domain());
                yield new MessageVerdict(null, rescued.signature());
            }
            case DkimRescue.Outcome.Refused refused -> {
                sessions.metrics.dkimRescue(DkimRescueOutcome.REFUSED);
                yield new MessageVerdict(refused.refusal(), null);
            }
            case DkimRescue.Outcome.Unverifiable unverifiable -> {
                sessions.metrics.dkimRescue(DkimRescueOutcome.TEMPERROR);
                yield new MessageVerdict(unverifiable.deferral(), null);
            }
        };
    }

    /** Received, Received-SPF and Authentication-Results for this transaction. */
    private byte[] traceHeaders(Transaction tx, DkimResult dkim, MessageHead head) {
        SmtpTrace trace = new SmtpTrace(helo, client, SmtpTrace.Protocol.of(extended, tls), tx.id,
                tx.accepted, ZonedDateTime.now(sessions.clock));
        if (!(trust instanceof ClientTrust.Trusted trusted)) {
            return config.traceHeaders().checked(trace, tx.mailFromVerdict, tx.heloVerdict, dkim);
        }
        if (trusted.treatment() == TrustedEntry.Treatment.SKIP) {
            return config.traceHeaders().trusted(trace, trusted.name(), trusted.matchedBy());
        }
        // spf: through — SPF for the client that handed the message to the trusted relay, named by
        // the Received field the relay put on top (RFC 5321 4.4). Stamped, logged and counted, never
        // acted on: the relay has accepted the message, and a refusal would make it bounce.
        long start = System.nanoTime();
        return switch (config.throughRelay().evaluate(head, tx.sender)) {
            case SpfThroughRelay.Evaluated evaluated -> {
                SpfVerdict original = evaluated.verdict();
                sessions.metrics.spfChecked(SpfIdentity.MAILFROM, original.result(),
                        Duration.ofNanos(System.nanoTime() - start));
                tx.log.viaClient(original.clientIp()).spf(original);
                yield config.traceHeaders().through(trace, trusted.name(), trusted.matchedBy(), original);
            }
            case SpfThroughRelay.NotEvaluated notEvaluated -> {
                tx.log.viaProblem(notEvaluated.why());
                yield config.traceHeaders().notEvaluatedThrough(trace, trusted.name(), trusted.matchedBy(), tx.sender,
                        notEvaluated.why());
            }
        };
    }

    /** RSET, a new HELO, or the end of the connection: abandons the open transaction, if any. */
    public void reset() {
        Transaction tx = transaction;
        transaction = null;
        if (tx != null) {
            tx.downstream.abort();
            // every recipient refused: that refusal is the outcome; otherwise the client gave up
            boolean allRefused = tx.accepted.isEmpty() && tx.lastRefusal != null;
            end(tx, allRefused ? tx.lastRefusal : null, allRefused ? tx.lastReason : null);
        }
    }

    /** The connection is gone. */
    public void close() {
        try {
            reset();
        } finally {
            generation.leave();
        }
    }

    private SpfVerdict check(SpfIdentity identity, String subject) {
        long start = System.nanoTime();
        SpfVerdict verdict = identity == SpfIdentity.HELO
                ? config.spf().checkHelo(client, subject)
                : config.spf().checkMailFrom(client, subject, helo);
        sessions.metrics.spfChecked(identity, verdict.result(), Duration.ofNanos(System.nanoTime() - start));
        return verdict;
    }

    /**
     * Ends a transaction with the reply the client gets ({@code null}: the client left first):
     * one message outcome, one decision-log line.
     */
    private Reply end(Transaction tx, Reply reply, RejectionReason reason) {
        if (tx.downstream != null) {
            tx.downstream.close();
        }
        if (tx.holdsSlot) {
            sessions.transactions.close(client);
        }
        TransactionRecord.Status status;
        if (reply == null) {
            status = TransactionRecord.Status.ABORTED;
        } else if (reply.isPositive()) {
            deliveries++;
            status = TransactionRecord.Status.RELAYED;
            sessions.metrics.messageOutcome(MessageOutcome.RELAYED);
        } else if (reply.isTransient()) {
            status = TransactionRecord.Status.DEFERRED;
            sessions.metrics.messageOutcome(MessageOutcome.DEFERRED);
        } else {
            status = TransactionRecord.Status.REJECTED;
            sessions.metrics.messageOutcome(MessageOutcome.REJECTED);
        }
        if (reason != null && reply != tx.lastRefusal) {
            sessions.metrics.rejected(reason);
        }
        if (reason != null) {
            tx.log.reason(reason.token());
        }
        boolean noRecipientTried = tx.accepted.isEmpty() && tx.lastRefusal == null;
        if (status == TransactionRecord.Status.ABORTED && noRecipientTried && ++abandoned > MAX_LOGGED_ABANDONED) {
            sessions.metrics.decisionLineSuppressed();
            return reply;
        }
        sessions.decisions.write(tx.log.build(status, reply, Duration.ofNanos(System.nanoTime() - tx.started)));
        return reply;
    }

    /**
     * A refusal the relay made, as the metrics see it: the rejection reason, and for an internal
     * server (or delivery directory) that failed us, one spfgate_relay_failures_total count.
     */
    private RejectionReason relayRefused(DownstreamRefusal refusal) {
        return switch (refusal.kind()) {
            case UNREACHABLE, TIMEOUT, LOST, TLS, PROTOCOL, STORAGE -> {
                sessions.metrics.relayFailed(refusal.kind());
                yield RejectionReason.DOWNSTREAM_UNAVAILABLE;
            }
            // our own pool is full: nothing failed downstream, the client just has to come back
            case BUSY -> RejectionReason.DOWNSTREAM_UNAVAILABLE;
            case UNSUPPORTED_EXTENSION -> RejectionReason.UNSUPPORTED_EXTENSION;
            case ADDRESS -> RejectionReason.BAD_SYNTAX;
            case REJECTED -> RejectionReason.DOWNSTREAM_REJECTED;
            case SHUTTING_DOWN -> RejectionReason.SHUTTING_DOWN;
        };
    }

    /** Postfix's "queued as ID", Exchange's "InternalId=ID". */
    private static final Pattern QUEUE_ID = Pattern.compile("(?:queued as |InternalId=)([A-Za-z0-9]+)");

    private static String queueId(Reply reply) {
        Matcher m = QUEUE_ID.matcher(reply.text());
        return m.find() ? m.group(1) : null;
    }

    /** RFC 5321 4.1.1.2 and appendix C: a source route in the reverse-path is ignored. */
    private static String withoutSourceRoute(String reversePath) {
        if (reversePath.startsWith("@")) {
            int colon = reversePath.indexOf(':');
            return colon < 0 ? reversePath : reversePath.substring(colon + 1);
        }
        return reversePath;
    }

    /** local-part@domain with both parts present (RFC 5321 4.1.2 Mailbox, loosely). */
    private static boolean isMailbox(String address) {
        int at = address.lastIndexOf('@');
        return at > 0 && at < address.length() - 1;
    }

    /** What one MAIL FROM ... DATA carries. */
    private final class Transaction {
        final String id;
        final String sender;
        final boolean smtpUtf8;
        final long started = System.nanoTime();
        final List<String> accepted = new ArrayList<>();
        final TransactionRecord.Builder log;
        SpfVerdict mailFromVerdict;
        SpfVerdict heloVerdict;
        DownstreamTransaction downstream;
        /** Counted in the client IP's open transactions ({@code server.max_transactions_per_ip}). */
        boolean holdsSlot;
        Reply lastRefusal;
        RejectionReason lastReason;
        /** The SPF refusal that accepted recipients wait on until the end of DATA (spf.dkim_rescue). */
        Verdict.Refusal awaitingDkim;
        /** A recipient was accepted although SPF would refuse it (an exempt local part). */
        boolean acceptedAnyway;

        Transaction(String id, String sender, boolean smtpUtf8) {
            this.id = id;
            this.sender = sender;
            this.smtpUtf8 = smtpUtf8;
            this.log = TransactionRecord.builder(id, client).helo(helo).sender(sender).clientName(
                    trust instanceof ClientTrust.Trusted t && t.matcher() == ClientTrust.Matcher.HOSTNAMES
                            ? t.matched() : null);
        }

        /**
         * A recipient refused ({@code address} {@code null}: not even parsable): counted and
         * logged now; the transaction's outcome if no recipient gets through (a deferral wins
         * over permanent refusals).
         */
        Reply refused(String address, Reply reply, RejectionReason reason) {
            sessions.metrics.rejected(reason);
            if (address != null) {
                log.refusedRecipient(address);
            }
            if (!reply.isTransient()) {
                refusedRecipients++;
            } else {
                deferredRecipients++;
            }
            // a deferred recipient comes back later: that, not a permanent refusal, is the outcome
            if (lastRefusal == null || !lastRefusal.isTransient()) {
                lastRefusal = reply;
                lastReason = reason;
            }
            return reply;
        }
    }
}
