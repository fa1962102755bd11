package org.spfgate.relay;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spfgate.config.RelayConfig;
import org.spfgate.relay.DownstreamRefusal.Kind;

/**
 * The internal server over SMTP ({@code relay:} in the config), spoken to while our client waits:
 * MAIL at {@link #open}, each RCPT as the client sends it, the message streamed at DATA.
 *
 * <p>Connections are pooled: at most {@code relay.connections} transactions run at once, each on
 * its own connection; a connection goes back to the pool after a transaction only when nothing
 * about it is in doubt, and an idle one is dropped after {@link #IDLE_LIMIT}.
 *
 * <p>TLS as Postfix does it: {@code opportunistic} uses STARTTLS when offered and falls back to
 * plain text if the handshake fails; {@code required} refuses to relay without it
 * ({@code 451 4.7.4} not offered, {@code 451 4.7.5} handshake failed). Neither verifies the
 * internal server's certificate (Postfix's {@code may} / {@code encrypt} levels): internal
 * servers mostly present self-signed or private-CA certificates, and the config names no trust
 * store. A caller that wants verification passes its own {@link SSLContext}; then the chain and
 * the host name are checked.
 */
public final class SmtpDownstream implements Downstream {

    private static final Logger log = LoggerFactory.getLogger(SmtpDownstream.class);

    /** How long a connection may sit unused in the pool; well under common server idle limits. */
    static final Duration IDLE_LIMIT = Duration.ofSeconds(30);
    /** How long a success or failure of a real transaction or probe answers {@code /health}. */
    private static final Duration HEALTH_FRESHNESS = Duration.ofSeconds(10);

    private final RelayConfig config;
    private final String heloName;
    private final DownstreamConnection.TlsClient tls;
    private final ScheduledThreadPoolExecutor timer;
    private final WaitDeadlines replyDeadlines;
    private final Semaphore transactions;
    private final Deque<DownstreamConnection> idle = new ConcurrentLinkedDeque<>();
    /** How many are in {@link #idle}: the deque counts by walking itself, at every recycle. */
    private final AtomicInteger idleCount = new AtomicInteger();
    private final AtomicReference<Contact> lastContact = new AtomicReference<>();
    private final ReentrantLock probe = new ReentrantLock();
    private volatile boolean closed;

    private record Contact(long atNanos, boolean ok) {
    }

    /**
     * @param heloName our name in EHLO ({@code server.hostname})
     */
    public SmtpDownstream(RelayConfig config, String heloName) {
        this(config, heloName, new DownstreamConnection.TlsClient(unverifiedTls().getSocketFactory(), false));
    }

    /**
     * As above, but the internal server's certificate must chain to what {@code trust} trusts and
     * name {@code relay.host}.
     */
    public SmtpDownstream(RelayConfig config, String heloName, SSLContext trust) {
        this(config, heloName, new DownstreamConnection.TlsClient(trust.getSocketFactory(), true));
    }

    private SmtpDownstream(RelayConfig config, String heloName, DownstreamConnection.TlsClient tls) {
        this.config = Objects.requireNonNull(config, "config");
        this.heloName = Objects.requireNonNull(heloName, "heloName");
        this.tls = tls;
        if (config.connections() < 1) {
            throw new IllegalArgumentException("relay.connections must be at least 1");
        }
        this.transactions = new Semaphore(config.connections(), true);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "spfgate-relay-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.scheduleWithFixedDelay(this::dropExpiredIdle, 5, 5, TimeUnit.SECONDS);
        Duration shortest = config.timeouts().command().compareTo(config.timeouts().data()) < 0
                ? config.timeouts().command() : config.timeouts().data();
        this.replyDeadlines = new WaitDeadlines(timer, shortest);
    }

    @Override
    public DownstreamTransaction open(Envelope envelope) throws DownstreamRefusal {
        if (closed) {
            throw new DownstreamRefusal(Kind.SHUTTING_DOWN, new Reply(421, "4.3.2 shutting down"));
        }
        if (!Addresses.isSafe(envelope.reversePath())) {
            throw new DownstreamRefusal(Kind.ADDRESS, new Reply(501, "5.1.7 sender address contains control characters"));
        }
        acquireTransactionSlot();
        boolean handedOver = false;
        try {
            DownstreamTransaction t = mailFrom(envelope);
            handedOver = true;
            return t;
        } finally {
            if (!handedOver) {
                transactions.release();
            }
        }
    }

    private void acquireTransactionSlot() throws DownstreamRefusal {
        try {
            if (!transactions.tryAcquire(config.timeouts().connect().toNanos(), TimeUnit.NANOSECONDS)) {
                // RFC 3463 X.4.5: mail system congestion.
                throw new DownstreamRefusal(Kind.BUSY, new Reply(451,
                        "4.4.5 all connections to the internal server are busy, try again later"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownstreamRefusal(Kind.SHUTTING_DOWN, new Reply(421, "4.3.2 shutting down"), e);
        }
    }

    private DownstreamTransaction mailFrom(Envelope envelope) throws DownstreamRefusal {
        while (true) {
            DownstreamConnection c = takeIdle();
            boolean reused = c != null;
            if (c == null) {
                c = connect();
            }
            ServerCapabilities caps = c.capabilities();
            // Never downgrade: a downgrade changes the message's bytes (RFC 6531 section 3.4).
            if (envelope.smtpUtf8() && !caps.smtpUtf8()) {
                recycle(c);
                throw new DownstreamRefusal(Kind.UNSUPPORTED_EXTENSION, new Reply(553,
                        "5.6.7 the internal server does not support SMTPUTF8, and this gateway does not downgrade"));
            }
            if (envelope.eightBitMime() && !caps.eightBitMime()) {
                recycle(c);
                throw new DownstreamRefusal(Kind.UNSUPPORTED_EXTENSION, new Reply(554,
                        "5.6.3 the internal server does not support 8BITMIME, and this gateway does not downgrade"));
            }
            Reply reply;
            try {
                reply = c.command(mailCommand(envelope, caps));
            } catch (IOException e) {
                c.close();
                if (reused && !(e instanceof SocketTimeoutException)) {
                    continue; // The server closed the idle connection meanwhile: try a fresh one.
                }
                lostContact(e.toString());
                throw lost(e);
            }
            contact();
            if (reply.isPositive()) {
                return new RelayTransaction(this, c, config.verifyRecipients());
            }
            if (reply.code() < 400 || reply.code() == 421) {
                c.close();
            } else {
                recycle(c);
            }
            throw new DownstreamRefusal(Kind.REJECTED, passThrough(reply));
        }
    }

    private static String mailCommand(Envelope envelope, ServerCapabilities caps) {
        StringBuilder mail = new StringBuilder(64).append("MAIL FROM:<").append(envelope.reversePath()).append('>');
        if (envelope.declaredSize() >= 0 && caps.size()) {
            mail.append(" SIZE=").append(envelope.declaredSize()); // RFC 1870 section 6
        }
        if (envelope.eightBitMime()) {
            mail.append(" BODY=8BITMIME"); // RFC 6152 section 2
        }
        if (envelope.smtpUtf8()) {
            mail.append(" SMTPUTF8"); // RFC 6531 section 3.4
        }
        return mail.toString();
    }

    private DownstreamConnection connect() throws DownstreamRefusal {
        try {
            return dial();
        } catch (IOException e) {
            lostContact(e.toString());
            throw new DownstreamRefusal(Kind.UNREACHABLE,
                    new Reply(451, "4.4.1 internal server unreachable, try again later"), e);
        } catch (DownstreamRefusal e) {
            lostContact(e.reply().toString());
            throw e;
        }
    }

    private DownstreamConnection dial() throws IOException, DownstreamRefusal {
        try {
            return DownstreamConnection.connect(config, heloName, tls, true, replyDeadlines);
        } catch (DownstreamConnection.StartTlsFailed e) {
            // Opportunistic TLS: a failed handshake is no reason not to deliver (Postfix does the same).
            log.warn("STARTTLS with {}:{} failed, relaying in plain text: {}", config.host(), config.port(),
                    e.getCause().toString());
            return DownstreamConnection.connect(config, heloName, tls, false, replyDeadlines);
        }
    }

    private DownstreamConnection takeIdle() {
        DownstreamConnection c;
        while ((c = pollIdle()) != null) {
            if (c.usableAfterIdle(IDLE_LIMIT)) {
                return c;
            }
            c.close();
        }
        return null;
    }

    /** A connection whose transaction ended cleanly goes back to the pool (most recent first). */
    void recycle(DownstreamConnection c) {
        if (closed || c.isBroken() || idleCount.get() >= config.connections()) {
            c.quit();
            return;
        }
        c.idle();
        idleCount.incrementAndGet();
        idle.offerFirst(c);
        if (closed && removeIdle(c)) {
            c.quit(); // close() ran meanwhile and will not see it
        }
    }

    /** The end of a transaction opened by {@link #open}: its slot is free again. */
    void transactionEnded() {
        transactions.release();
    }

    /** The internal server answered. */
    void contact() {
        Contact before = lastContact.getAndSet(new Contact(System.nanoTime(), true));
        if (before != null && !before.ok()) {
            log.info("internal server {}:{} answers again", config.host(), config.port());
        }
    }

    /** The internal server failed us; logged once per outage, not once per message. */
    void lostContact(String why) {
        Contact before = lastContact.getAndSet(new Contact(System.nanoTime(), false));
        if (before == null || before.ok()) {
            log.warn("internal server {}:{} unavailable: {}", config.host(), config.port(), why);
        }
    }

    /** {@code 451 4.4.1} for an internal server lost or silent after the connection was made. */
    static DownstreamRefusal lost(IOException e) {
        return e instanceof SocketTimeoutException
                ? new DownstreamRefusal(Kind.TIMEOUT,
                        new Reply(451, "4.4.1 internal server did not answer in time, try again later"), e)
                : new DownstreamRefusal(Kind.LOST,
                        new Reply(451, "4.4.1 connection to the internal server lost, try again later"), e);
    }

    /**
     * The internal server's refusal as our reply: code and text as sent, except {@code 421},
     * which announces that it closes the connection — ours stays open, so the client gets
     * {@code 451} with the same text.
     *
     * @throws DownstreamRefusal {@link Kind#PROTOCOL} for a 1xx-3xx reply where a refusal was due
     */
    static Reply passThrough(Reply reply) throws DownstreamRefusal {
        if (reply.code() == 421) {
            return new Reply(451, reply.text());
        }
        if (reply.code() < 400) {
            throw new DownstreamRefusal(Kind.PROTOCOL,
                    new Reply(451, "4.4.1 unexpected reply from the internal server: " + reply));
        }
        return reply;
    }

    @Override
    public boolean isReachable() {
        Contact c = lastContact.get();
        if (c != null && System.nanoTime() - c.atNanos() < HEALTH_FRESHNESS.toNanos()) {
            return c.ok();
        }
        if (!probe.tryLock()) {
            return c != null && c.ok(); // A probe is running; do not pile up behind it.
        }
        try {
            dial().quit();
            contact();
            return true;
        } catch (IOException e) {
            lostContact(e.toString());
            return false;
        } catch (DownstreamRefusal e) {
            lostContact(e.reply().toString());
            return false;
        } finally {
            probe.unlock();
        }
    }

    private void dropExpiredIdle() {
        for (DownstreamConnection c : idle) {
            if (c.isIdleLongerThan(IDLE_LIMIT) && removeIdle(c)) {
                // QUIT blocks on the network: never on the timer thread, which guards writes.
                Thread.ofVirtual().start(c::quit);
            }
        }
    }

    /** Number of connections idle in the pool (for tests and metrics). */
    int idleConnections() {
        return idleCount.get();
    }

    private DownstreamConnection pollIdle() {
        DownstreamConnection c = idle.pollFirst();
        if (c != null) {
            idleCount.decrementAndGet();
        }
        return c;
    }

    private boolean removeIdle(DownstreamConnection c) {
        boolean removed = idle.remove(c);
        if (removed) {
            idleCount.decrementAndGet();
        }
        return removed;
    }

    /** Says QUIT on every idle connection (for the benchmark without pooling). */
    void dropIdleConnections() {
        DownstreamConnection c;
        while ((c = pollIdle()) != null) {
            c.quit();
        }
    }

    @Override
    public void close() {
        closed = true;
        dropIdleConnections();
        timer.shutdownNow();
    }

    /** Encrypts without checking the certificate: see the class comment. */
    private static SSLContext unverifiedTls() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AnyCertificate()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // Only used as a client.
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // Opportunistic / encrypt-only TLS: any certificate (class comment).
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
