package org.spfgate.session;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.spfgate.maillog.DecisionLog;
import org.spfgate.metrics.GatewayMetrics;
import org.spfgate.relay.Downstream;
import org.spfgate.spf.IpLiteral;

/**
 * Opens an {@link SmtpSession} for each admitted client: with the {@link SessionConfig} of the
 * moment, and with what every session shares for the gateway's whole life — the downstream, the
 * metrics, the decision log, the clock and the transaction ids. Thread-safe.
 */
public final class Sessions {

    private final SessionConfig config;
    final Downstream downstream;
    final GatewayMetrics metrics;
    final DecisionLog decisions;
    final Clock clock;
    final ClientTransactions transactions;
    private final AtomicLong transactionIds = new AtomicLong(System.currentTimeMillis() << 12);

    public Sessions(SessionConfig config, Downstream downstream, GatewayMetrics metrics, DecisionLog decisions,
            Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.downstream = Objects.requireNonNull(downstream, "downstream");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.decisions = Objects.requireNonNull(decisions, "decisions");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.transactions = new ClientTransactions(config.maxTransactionsPerIp());
    }

    /**
     * A session for a client that has just been admitted (before the greeting). An IPv4 client
     * on an IPv6 socket ({@code ::ffff:192.0.2.1}, from a {@code [::]} listener) is the IPv4
     * client from here on (RFC 7208 5): in SPF, headers, log and trusted-client matching.
     */
    public SmtpSession open(InetAddress client) {
        return new SmtpSession(this, config, IpLiteral.unmapped(client));
    }

    /** A transaction id for our Received header and the log: unique, short, sortable. */
    String nextTransactionId() {
        return Long.toString(transactionIds.incrementAndGet(), 36).toUpperCase(Locale.ROOT);
    }
}
