package org.spfgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.spfgate.config.TrustedEntry;
import org.spfgate.dns.DnsQueryOutcome;
import org.spfgate.dns.DnsQueryType;
import org.spfgate.policy.RejectionReason;
import org.spfgate.relay.DownstreamRefusal;
import org.spfgate.spf.SpfIdentity;
import org.spfgate.spf.SpfResult;

/**
 * Every metric spfgate publishes (docs/contract.md §6), defined here and nowhere else: name, labels and
 * description. All series are registered at construction so that a scrape shows them at zero
 * from the first second, and every label takes its values from a fixed set (the constants of an
 * enum, the seven RFC 7208 tokens, the configured {@code trusted} names), so the number of
 * series is bounded whatever clients send.
 *
 * <p>The session, relay and DNS adapter call the domain methods ({@link #spfChecked},
 * {@link #rejected}, ...); {@link MetricsServer} serves {@link #scrape()}. Thread-safe.
 *
 * <p>The README (section "The metric list") documents the same list; a test keeps the two in step.
 */
public final class GatewayMetrics implements AutoCloseable {

    /** Buckets that suit mail: DNS answers in milliseconds, slow relays in tens of seconds. */
    static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
    };

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;

    // The gauge reads this; the field is the strong reference that keeps it from reading NaN.
    private final AtomicInteger sessionsActive = new AtomicInteger();

    private final Map<ConnectionOutcome, Counter> connections = new EnumMap<>(ConnectionOutcome.class);
    private final Map<ClientDeadline, Counter> clientDeadlines = new EnumMap<>(ClientDeadline.class);
    private final Counter decisionLinesSuppressed;
    private final Map<SpfIdentity, Map<SpfResult, Counter>> spfChecks = new EnumMap<>(SpfIdentity.class);
    private final Timer spfCheckSeconds;
    private final Map<MessageOutcome, Counter> messages = new EnumMap<>(MessageOutcome.class);
    private final Map<RejectionReason, Counter> rejections = new EnumMap<>(RejectionReason.class);
    private final Map<String, Counter> trusted = new ConcurrentHashMap<>();
    private final Map<DkimRescueOutcome, Counter> dkimRescues = new EnumMap<>(DkimRescueOutcome.class);
    private final Timer relaySeconds;
    /**
     * The downstream refusals that are the internal server (or the delivery directory) failing
     * us: the {@code reason} label set of spfgate_relay_failures_total. The other kinds are not:
     * a busy pool, an extension the client needs, an address we refuse to send and a shutdown
     * are ours, not the internal server's.
     */
    public static final Set<DownstreamRefusal.Kind> RELAY_FAILURES = Collections.unmodifiableSet(EnumSet.of(
            DownstreamRefusal.Kind.UNREACHABLE, DownstreamRefusal.Kind.TIMEOUT, DownstreamRefusal.Kind.LOST,
            DownstreamRefusal.Kind.TLS, DownstreamRefusal.Kind.REJECTED, DownstreamRefusal.Kind.PROTOCOL,
            DownstreamRefusal.Kind.STORAGE));
    private final Map<DownstreamRefusal.Kind, Counter> relayFailures = new EnumMap<>(DownstreamRefusal.Kind.class);
    private final Map<DnsQueryType, Map<DnsQueryOutcome, Counter>> dnsQueries = new EnumMap<>(DnsQueryType.class);
    private final Map<DnsQueryType, Timer> dnsQuerySeconds = new EnumMap<>(DnsQueryType.class);
    private final Counter reloadsSucceeded;
    private final Counter reloadsFailed;
    // The gauge reads this (epoch seconds; 0: no reload yet, as every series starts at zero);
    // the field keeps it from reading NaN.
    private final AtomicLong lastReloadSuccess = new AtomicLong();

    /** Metrics with no {@code trusted} entries. */
    public GatewayMetrics() {
        this(List.of());
    }

    /** @param trustedEntries the configured {@code trusted} list: one series per entry name */
    public GatewayMetrics(Collection<TrustedEntry> trustedEntries) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new PromtoolCleanFilter());

        for (ConnectionOutcome o : ConnectionOutcome.values()) {
            connections.put(o, Counter.builder("spfgate.connections")
                    .description("Connections by what the listener did with them")
                    .tag("outcome", o.token()).register(registry));
        }
        for (ClientDeadline d : ClientDeadline.values()) {
            clientDeadlines.put(d, Counter.builder("spfgate.client.deadlines")
                    .description("Client connections closed because a deadline passed: command line, session or write")
                    .tag("deadline", d.token()).register(registry));
        }
        decisionLinesSuppressed = Counter.builder("spfgate.decision.log.suppressed")
                .description("Transactions abandoned before any RCPT beyond the first ones of their connection: no log line")
                .register(registry);
        Gauge.builder("spfgate.sessions.active", sessionsActive, AtomicInteger::get)
                .description("SMTP sessions open right now")
                .register(registry);
        for (SpfIdentity identity : SpfIdentity.values()) {
            Map<SpfResult, Counter> byResult = new EnumMap<>(SpfResult.class);
            for (SpfResult result : SpfResult.values()) {
                byResult.put(result, Counter.builder("spfgate.spf.checks")
                        .description("SPF evaluations by identity (mailfrom, helo) and RFC 7208 result")
                        .tag("identity", identity.token()).tag("result", result.token())
                        .register(registry));
            }
            spfChecks.put(identity, byResult);
        }
        spfCheckSeconds = latency("spfgate.spf.check",
                "Time for one whole SPF evaluation, all DNS lookups included", Tags.empty());
        for (MessageOutcome o : MessageOutcome.values()) {
            messages.put(o, Counter.builder("spfgate.messages")
                    .description("Transactions by how they ended: relayed, rejected (5xx) or deferred (4xx)")
                    .tag("outcome", o.token()).register(registry));
        }
        for (RejectionReason r : RejectionReason.values()) {
            rejections.put(r, Counter.builder("spfgate.rejections")
                    .description("Recipients or messages refused by the gateway (4xx or 5xx), by reason")
                    .tag("reason", r.token()).register(registry));
        }
        for (TrustedEntry entry : trustedEntries) {
            trustedCounter(entry.name());
        }
        for (DkimRescueOutcome o : DkimRescueOutcome.values()) {
            dkimRescues.put(o, Counter.builder("spfgate.dkim.rescues")
                    .description("Messages whose SPF refusal waited for DKIM (spf.dkim_rescue), by what the end of DATA decided")
                    .tag("outcome", o.token()).register(registry));
        }
        relaySeconds = latency("spfgate.relay",
                "Time from the end of the client's DATA to the internal server's reply to the final dot",
                Tags.empty());
        for (DownstreamRefusal.Kind f : RELAY_FAILURES) {
            relayFailures.put(f, Counter.builder("spfgate.relay.failures")
                    .description("Relays to the internal server that did not end in 250, by reason")
                    .tag("reason", label(f)).register(registry));
        }
        for (DnsQueryType type : DnsQueryType.values()) {
            Map<DnsQueryOutcome, Counter> byOutcome = new EnumMap<>(DnsQueryOutcome.class);
            for (DnsQueryOutcome outcome : DnsQueryOutcome.values()) {
                byOutcome.put(outcome, Counter.builder("spfgate.dns.queries")
                        .description("DNS queries sent to a server for SPF, by record type and outcome (cache hits are not queries)")
                        .tag("type", label(type)).tag("outcome", label(outcome)).register(registry));
            }
            dnsQueries.put(type, byOutcome);
            dnsQuerySeconds.put(type, latency("spfgate.dns.query",
                    "Time for one DNS query sent to a server for SPF, by record type", Tags.of("type", label(type))));
        }

        reloadsSucceeded = reloads("success");
        reloadsFailed = reloads("failure");
        Gauge.builder("spfgate.config.last.reload.success.timestamp.seconds", lastReloadSuccess, AtomicLong::get)
                .description("When the last successful reload applied the running configuration, in seconds since the epoch; 0 before the first")
                .register(registry);

        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** The label value of a constant from another package's enum: its name in lower case. */
    private static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private Timer latency(String name, String description, Tags tags) {
        return Timer.builder(name)
                .description(description)
                .tags(tags)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .minimumExpectedValue(LATENCY_BUCKETS[0])
                .maximumExpectedValue(LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1])
                .register(registry);
    }

    private Counter reloads(String result) {
        return Counter.builder("spfgate.config.reloads")
                .description("Configuration reloads (SIGHUP), by result: success, or failure (the running config kept)")
                .tag("result", result).register(registry);
    }

    private Counter trustedCounter(String name) {
        return trusted.computeIfAbsent(name, n -> Counter.builder("spfgate.trusted")
                .description("Transactions from trusted clients (SPF not checked), by trusted entry name")
                .tag("name", n).register(registry));
    }

    // ---- the configuration --------------------------------------------------------------------

    /** A reload applied a new configuration; {@code trustedEntries} get their series at zero. */
    public void reloaded(Collection<TrustedEntry> trustedEntries) {
        trustedEntries.forEach(e -> trustedCounter(e.name()));
        lastReloadSuccess.set(System.currentTimeMillis() / 1000);
        reloadsSucceeded.increment();
    }

    /** A reload was refused: the running configuration stays. */
    public void reloadFailed() {
        reloadsFailed.increment();
    }

    // ---- the listener -------------------------------------------------------------------------

    /** A connection arrived and was greeted or refused. */
    public void connectionOpened(ConnectionOutcome outcome) {
        connections.get(outcome).increment();
    }

    /** An SMTP session began (after the greeting); pair with {@link #sessionEnded()}. */
    /** A client connection closed because {@code deadline} passed. */
    public void clientDeadlinePassed(ClientDeadline deadline) {
        clientDeadlines.get(deadline).increment();
    }

    /** A transaction ended without a decision-log line (churn beyond the first of its connection). */
    public void decisionLineSuppressed() {
        decisionLinesSuppressed.increment();
    }

    public void sessionStarted() {
        sessionsActive.incrementAndGet();
    }

    /** An SMTP session ended, however it ended. */
    public void sessionEnded() {
        sessionsActive.decrementAndGet();
    }

    // ---- the session and policy ---------------------------------------------------------------

    /** One SPF evaluation finished, with its result and how long it took. */
    public void spfChecked(SpfIdentity identity, SpfResult result, Duration elapsed) {
        spfChecks.get(identity).get(result).increment();
        spfCheckSeconds.record(elapsed);
    }

    /** A transaction came from a trusted client, so SPF was skipped (docs/contract.md §3). */
    public void trustedClient(String trustedEntryName) {
        trustedCounter(trustedEntryName).increment();
    }

    /** A transaction ended: call once per message, with the reply the client got to DATA (or earlier). */
    public void messageOutcome(MessageOutcome outcome) {
        messages.get(outcome).increment();
    }

    /** The end of DATA decided a message whose SPF refusal waited for DKIM; once per message. */
    public void dkimRescue(DkimRescueOutcome outcome) {
        dkimRescues.get(outcome).increment();
    }

    /** The gateway refused a recipient or a message; call once per refusal. */
    public void rejected(RejectionReason reason) {
        rejections.get(reason).increment();
    }

    // ---- the relay ----------------------------------------------------------------------------

    /** The internal server answered the final dot (whatever it answered) after this long. */
    public void relayed(Duration elapsed) {
        relaySeconds.record(elapsed);
    }

    /**
     * A relay failed: one of {@link #RELAY_FAILURES}; {@code REJECTED} when the internal server
     * refused the message.
     */
    public void relayFailed(DownstreamRefusal.Kind kind) {
        Counter counter = relayFailures.get(kind);
        if (counter == null) {
            throw new IllegalArgumentException("not a relay failure: " + kind);
        }
        counter.increment();
    }

    // ---- DNS ----------------------------------------------------------------------------------

    /**
     * One DNS query sent to a server for SPF came back, or did not within the time-out. The shape
     * of {@code dns.DnsQueryListener}: wire it as {@code new SpfDnsClient(..., metrics::dnsQuery)}.
     */
    public void dnsQuery(DnsQueryType type, DnsQueryOutcome outcome, Duration elapsed) {
        dnsQueries.get(type).get(outcome).increment();
        dnsQuerySeconds.get(type).record(elapsed);
    }

    // ---- the endpoint -------------------------------------------------------------------------

    /** The Prometheus text exposition format (0.0.4) of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** The registry itself, for tests and for binding more meters. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
