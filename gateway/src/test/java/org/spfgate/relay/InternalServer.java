package org.spfgate.relay;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import org.spfgate.config.RelayConfig;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;
import org.subethamail.wiser.Wiser;
import org.subethamail.wiser.WiserMessage;

/**
 * SubEtha's Wiser as a real internal server on 127.0.0.1, counting the connections it accepts.
 * Recipients whose local part starts with {@code unknown} are refused (SubEtha answers
 * {@code 553 <address> address unknown.}).
 */
final class InternalServer implements AutoCloseable {

    final AtomicInteger connections = new AtomicInteger();
    /** Sessions that have ended: the server has acted on everything sent in them. */
    final AtomicInteger sessionsEnded = new AtomicInteger();
    private final Wiser wiser;

    private InternalServer(SSLContext tls, boolean requireTls) {
        SMTPServer.Builder builder = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("internal.test")
                .insertReceivedHeaders(false)
                .maxMessageSize(50_000_000)
                .sessionHandler(new SessionHandler() {
                    @Override
                    public SessionAcceptance accept(Session session) {
                        connections.incrementAndGet();
                        return SessionAcceptance.success();
                    }

                    @Override
                    public void onSessionEnd(Session session) {
                        sessionsEnded.incrementAndGet();
                    }
                });
        if (tls != null) {
            builder.enableTLS().startTlsSocketFactory(tls, false);
            if (requireTls) {
                builder.requireTLS();
            }
        }
        wiser = Wiser.accepter((from, recipient) -> !recipient.startsWith("unknown")).server(builder);
        wiser.start();
    }

    static InternalServer plain() {
        return new InternalServer(null, false);
    }

    /** STARTTLS offered with {@code tls}, and MAIL refused until it was used. */
    static InternalServer requiringTls(SSLContext tls) {
        return new InternalServer(tls, true);
    }

    static InternalServer offeringTls(SSLContext tls) {
        return new InternalServer(tls, false);
    }

    /** Waits until every connection accepted so far has ended (a few seconds at most). */
    void awaitAllSessionsEnded() throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (sessionsEnded.get() < connections.get()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(connections.get() - sessionsEnded.get() + " session(s) still open after 5 s");
            }
            Thread.sleep(10);
        }
    }

    int port() {
        return wiser.getServer().getPortAllocated();
    }

    List<WiserMessage> messages() {
        return wiser.getMessages();
    }

    RelayConfig relay(RelayConfig.Tls tls, boolean verifyRecipients, int connections) {
        return config(port(), tls, verifyRecipients, connections);
    }

    /** Short time-outs: the failure tests wait for them. */
    static RelayConfig config(int port, RelayConfig.Tls tls, boolean verifyRecipients, int connections) {
        return new RelayConfig("127.0.0.1", port, tls, verifyRecipients, connections,
                new RelayConfig.Timeouts(Duration.ofMillis(500), Duration.ofMillis(700), Duration.ofMillis(900)));
    }

    @Override
    public void close() {
        wiser.stop();
    }
}
