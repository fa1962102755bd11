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
 * Opens an {@link SmtpSession} for each admitted client: with the {@link SessionConfig} and the
 * downstream of the moment, which the session keeps to its end, and with what every session
 * shares for the gateway's whole life — the metrics, the decision log, the clock and the
 * transaction ids. {@link #replace} (a config reload) changes what the next sessions get; a
 * replaced downstream is closed when the last session opened with it ends, so no transaction
 * in flight loses its connection to the internal server. Thread-safe.
 */
public final class Sessions {

    private volatile Generation current;
    final GatewayMetrics metrics;
    final DecisionLog decisions;
    final Clock clock;
    final ClientTransactions transactions;
    private final AtomicLong transactionIds = new AtomicLong(System.currentTimeMillis() << 12);

    public Sessions(SessionConfig config, Downstream downstream, GatewayMetrics metrics, DecisionLog decisions,
            Clock clock) {
        this.current = new Generation(Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(downstream, "downstream"));
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
        while (true) {
            Generation g = current;
            if (g.join()) {
                return new SmtpSession(this, g, IpLiteral.unmapped(client));
            }
            // replaced in between: take the new one
        }
    }

    /**
     * New sessions get {@code config} and {@code downstream} from now on. When {@code downstream}
     * is another than the one in use, that one is closed once its last session has ended.
     */
    public synchronized void replace(SessionConfig config, Downstream downstream) {
        Generation previous = current;
        current = new Generation(Objects.requireNonNull(config, "config"), Objects.requireNonNull(downstream, "downstream"));
        previous.retire(previous.downstream != downstream);
    }

    /** The downstream new sessions get (for the health check, and to close it at shutdown). */
    public Downstream downstream() {
        return current.downstream;
    }

    /** What sessions opened between two reloads share; counts them to know when its downstream is unused. */
    static final class Generation {

        final SessionConfig config;
        final Downstream downstream;
        private int sessions;
        private boolean retired;
        private boolean closeDownstream;

        Generation(SessionConfig config, Downstream downstream) {
            this.config = config;
            this.downstream = downstream;
        }

        synchronized boolean join() {
            if (retired) {
                return false;
            }
            sessions++;
            return true;
        }

        /** A session of this generation ended. */
        void leave() {
            boolean close;
            synchronized (this) {
                sessions--;
                close = retired && closeDownstream && sessions == 0;
            }
            if (close) {
                downstream.close();
            }
        }

        void retire(boolean closeDownstreamWhenUnused) {
            boolean close;
            synchronized (this) {
                retired = true;
                closeDownstream = closeDownstreamWhenUnused;
                close = closeDownstream && sessions == 0;
            }
            if (close) {
                downstream.close();
            }
        }
    }

    /** A transaction id for our Received header and the log: unique, short, sortable. */
    String nextTransactionId() {
        return Long.toString(transactionIds.incrementAndGet(), 36).toUpperCase(Locale.ROOT);
    }
}
