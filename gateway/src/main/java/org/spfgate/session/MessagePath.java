package org.spfgate.session;

import java.net.InetAddress;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.spfgate.config.GatewayConfig;
import org.spfgate.config.ServerConfig;
import org.spfgate.config.SpfConfig;
import org.spfgate.headers.TraceHeaders;
import org.spfgate.maillog.DecisionLog;
import org.spfgate.metrics.GatewayMetrics;
import org.spfgate.policy.RecipientPolicy;
import org.spfgate.policy.SpfPolicy;
import org.spfgate.policy.TrustedClients;
import org.spfgate.relay.Downstream;
import org.spfgate.spf.SpfChecker;

/**
 * Everything the sessions share: the SPF checker, the policies, the header renderer, the
 * downstream and the metrics — built once by the gateway and handed to each new
 * {@link SmtpSession}. Thread-safe.
 */
public final class MessagePath {

    final String hostname;
    final int maxRecipients;
    final long maxMessageSize;
    final ServerConfig.BareLineEndings bareLineEndings;
    final boolean checkHelo;
    final SpfChecker spf;
    final TrustedClients trustedClients;
    final RecipientPolicy recipients;
    final SpfPolicy spfPolicy;
    final TraceHeaders traceHeaders;
    final Downstream downstream;
    final GatewayMetrics metrics;
    final DecisionLog decisions;
    final Clock clock;
    private final AtomicLong transactionIds = new AtomicLong(System.currentTimeMillis() << 12);

    public MessagePath(GatewayConfig config, SpfChecker spf, TrustedClients trustedClients,
            Downstream downstream, GatewayMetrics metrics, DecisionLog decisions, Clock clock) {
        ServerConfig server = config.server();
        SpfConfig spfConfig = config.spf();
        this.hostname = server.hostname();
        this.maxRecipients = server.maxRecipients();
        this.maxMessageSize = server.maxMessageSize();
        this.bareLineEndings = server.bareLineEndings();
        this.checkHelo = spfConfig.checkHelo();
        this.spf = spf;
        this.trustedClients = trustedClients;
        this.recipients = new RecipientPolicy(config.domains());
        this.spfPolicy = new SpfPolicy(spfConfig);
        this.traceHeaders = new TraceHeaders(server.hostname(), spfConfig.headers());
        this.downstream = downstream;
        this.metrics = metrics;
        this.decisions = decisions;
        this.clock = clock;
    }

    /** A session for a client that has just been admitted (before the greeting). */
    public SmtpSession open(InetAddress client) {
        return new SmtpSession(this, client);
    }

    /** A transaction id for our Received header and the log: unique, short, sortable. */
    String nextTransactionId() {
        return Long.toString(transactionIds.incrementAndGet(), 36).toUpperCase(java.util.Locale.ROOT);
    }
}
