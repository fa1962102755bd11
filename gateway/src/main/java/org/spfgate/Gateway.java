package org.spfgate;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spfgate.config.ConfigError;
import org.spfgate.config.ConfigException;
import org.spfgate.config.ConfigLoader;
import org.spfgate.config.GatewayConfig;
import org.spfgate.config.HostPort;
import org.spfgate.config.ServerConfig;
import org.spfgate.dns.SpfDnsClient;
import org.spfgate.listener.ConnectionGate;
import org.spfgate.listener.ServerTls;
import org.spfgate.listener.SmtpListener;
import org.spfgate.maillog.DecisionLog;
import org.spfgate.metrics.GatewayMetrics;
import org.spfgate.metrics.MetricsServer;
import org.spfgate.relay.DirectoryDownstream;
import org.spfgate.relay.Downstream;
import org.spfgate.relay.SmtpDownstream;
import org.spfgate.session.SessionConfig;
import org.spfgate.session.Sessions;

/**
 * The whole gateway, wired by hand from one {@link GatewayConfig}, and the one place that knows
 * every package: the DNS client, the downstream (the internal server over SMTP, or the delivery
 * directory), metrics and decision log live as long as the gateway; the {@link SessionConfig}
 * (limits, policies, SPF checker, header writer) is what each new session is opened with; one
 * SMTP listener per {@code server.listen} address admits the clients.
 *
 * <p>Life cycle: {@link #start(GatewayConfig)} (or {@code new} + {@link #start()}), then
 * {@link #shutdown(Duration)} — stop accepting, let the transactions in flight finish up to the
 * deadline, {@code 421 4.3.2} to every new command, then close what is left (a DATA still in
 * progress is cut, and its downstream transaction aborted without the final dot: nothing told
 * 250 is lost, nothing half-relayed is delivered). {@link #awaitTermination()} returns when the
 * shutdown is complete; {@link #installShutdownHook(Duration)} ties it to SIGTERM. In between,
 * {@link #reload(Path)} (SIGHUP) gives new connections a new configuration, and the STARTTLS
 * certificate follows its files ({@link ServerTls}).
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** How long, after the deadline, SubEtha gets to end the sessions it was told to close. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    /** How often the certificate and key files are compared with the pair in use. */
    private static final Duration CERTIFICATE_CHECK = Duration.ofSeconds(2);

    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final DecisionLog decisions;
    private final boolean ownDownstream;
    private final Sessions sessions;
    private final ServerTls tls;
    private final ConnectionGate gate;
    /** What new sessions get: {@link #config} with what a reload changed. */
    private GatewayConfig running;
    private SpfDnsClient dns;
    /** The clock DNS answers age by (a test's, or System::nanoTime). */
    private final LongSupplier dnsClock;
    private ScheduledExecutorService certificateWatch;
    private final List<SmtpListener> listeners = new ArrayList<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private MetricsServer metricsServer;
    private boolean shutDown;

    /** Builds everything; binds nothing until {@link #start()}. */
    public Gateway(GatewayConfig config) throws IOException {
        this(config, null);
    }

    /**
     * As {@link #Gateway(GatewayConfig)}, but mail goes to {@code instead} rather than to the
     * {@code relay:} or {@code deliver_to_directory} of the config ({@code null}: those), which
     * the gateway then owns and closes. For tests that need an internal server misbehaving in a
     * way no real one can be told to.
     */
    public Gateway(GatewayConfig config, Downstream instead) throws IOException {
        this(config, instead, System::nanoTime);
    }

    /**
     * As {@link #Gateway(GatewayConfig, Downstream)}, with the clock DNS answers age by (the DNS
     * cache and the trusted {@code mx_of} address sets): tests pass time without waiting.
     */
    public Gateway(GatewayConfig config, Downstream instead, LongSupplier dnsClock) throws IOException {
        this.config = config;
        ServerConfig server = config.server();
        // First what can fail on a bad file, before anything holds threads or sockets.
        this.running = config;
        this.tls = server.tls() == null ? null : ServerTls.load(server.tls());
        this.decisions = DecisionLog.open(config.log());
        this.metrics = new GatewayMetrics(config.trusted());
        this.dnsClock = dnsClock;
        this.dns = dnsClient(config);
        this.ownDownstream = instead == null;
        Downstream downstream = instead != null ? instead : downstream(config);
        this.sessions = new Sessions(SessionConfig.of(config, dns, dnsClock, null), downstream, metrics, decisions,
                Clock.systemUTC());
        this.gate = new ConnectionGate(server.maxConnections(), server.maxConnectionsPerIp(), server.timeouts(),
                sessions, metrics);
        try {
            for (HostPort address : server.listen()) {
                listeners.add(new SmtpListener(address, server, gate, tls, metrics));
            }
        } catch (RuntimeException e) {
            // e.g. a listen host that does not resolve: release what holds threads
            gate.close();
            downstream.close();
            decisions.close();
            metrics.close();
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Builds and starts a gateway. */
    public static Gateway start(GatewayConfig config) throws IOException {
        Gateway gateway = new Gateway(config);
        gateway.start();
        return gateway;
    }

    /** Binds every listen address and the metrics endpoint; mail flows from now on. */
    public void start() throws IOException {
        try {
            for (SmtpListener listener : listeners) {
                listener.start();
            }
            if (config.metrics() != null && config.metrics().listen() != null) {
                metricsServer = MetricsServer.start(config.metrics().listen(), metrics, this::isRunning,
                        () -> sessions.downstream().isReachable());
            }
            if (tls != null) {
                certificateWatch = Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().daemon().name("spfgate-certificate-watch").factory());
                certificateWatch.scheduleWithFixedDelay(tls::refresh, CERTIFICATE_CHECK.toMillis(),
                        CERTIFICATE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IOException | RuntimeException e) {
            // e.g. a port already in use: stop what did start, and say which address failed
            close();
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot start: " + e.getMessage(), e);
        }
        LOG.info("spfgate listening on {}", smtpAddresses());
    }

    /** The bound SMTP addresses, in {@code server.listen} order (real ports when configured as 0). */
    public List<InetSocketAddress> smtpAddresses() {
        return listeners.stream().map(SmtpListener::address).toList();
    }

    /** The bound metrics address, or {@code null} when metrics are off. */
    public InetSocketAddress metricsAddress() {
        return metricsServer == null ? null : metricsServer.address();
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public boolean isRunning() {
        return !gate.isShuttingDown() && listeners.stream().allMatch(SmtpListener::isRunning);
    }

    /**
     * Graceful shutdown: returns when every session has ended, at the latest shortly
     * after {@code deadline}. Idempotent.
     */
    public void shutdown(Duration deadline) {
        synchronized (this) {
            if (shutDown) {
                return;
            }
            shutDown = true;
        }
        try {
            LOG.info("spfgate shutting down: {} connections open, deadline {}", gate.openConnections(), deadline);
            listeners.forEach(SmtpListener::stopAccepting);
            gate.beginShutdown();
            long end = System.nanoTime() + deadline.toNanos();
            while (gate.closeIdleConnections() > 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            // Past the deadline: cut what is left. SubEtha waits for its session threads; a
            // session stuck on the internal server's own time-out must not hold the JVM forever.
            Thread stopper = Thread.ofVirtual().start(() -> listeners.forEach(SmtpListener::stop));
            if (!stopper.join(CLOSE_GRACE)) {
                LOG.warn("sessions still running {} after the shutdown deadline; leaving them", CLOSE_GRACE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (certificateWatch != null) {
                certificateWatch.shutdownNow();
            }
            if (metricsServer != null) {
                metricsServer.close();
            }
            gate.close();
            sessions.downstream().close(); // one replaced by a reload closed with its last session
            decisions.close();
            metrics.close();
            terminated.countDown();
            LOG.info("spfgate stopped");
        }
    }

    /** Waits until {@link #shutdown} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Re-reads {@code file} and applies it to new connections (SIGHUP, {@code systemctl reload}).
     * The whole file is checked first — its own errors, then the files and directories it names —
     * and any error keeps the running configuration, logged with key and line. Sessions already
     * open finish with the configuration they started with; a replaced relay pool closes when its
     * last session ends. Keys that need new sockets or a new listener (listen addresses, host name,
     * limits and time-outs SubEtha holds, the metrics endpoint, the log) keep their running value,
     * and the log says so per key: they need a restart.
     *
     * @return whether the new configuration is in use
     */
    public synchronized boolean reload(Path file) {
        GatewayConfig next;
        try {
            next = ConfigLoader.load(file);
            List<ConfigError> errors = EnvironmentChecks.forReload(next, file);
            if (!errors.isEmpty()) {
                throw new ConfigException(file.toString(), errors);
            }
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                LOG.error("reload refused, the running configuration stays: {}: {}", e.source(), error);
            }
            metrics.reloadFailed();
            return false;
        }
        List<String> needRestart = new ArrayList<>();
        GatewayConfig effective = withoutRestartKeys(next, needRestart);
        Downstream downstream = sessions.downstream();
        boolean newDownstream = ownDownstream && (!Objects.equals(next.relay(), running.relay())
                || !Objects.equals(next.deliverToDirectory(), running.deliverToDirectory()));
        try {
            if (newDownstream) {
                downstream = downstream(effective);
            }
            if (tls != null && effective.server().tls() != null) {
                tls.use(effective.server().tls()); // re-read even when unchanged: a renewal in place
            }
        } catch (IOException | UncheckedIOException e) {
            if (newDownstream && downstream != sessions.downstream()) {
                downstream.close();
            }
            LOG.error("reload refused, the running configuration stays: {}: {}", file, e.getMessage());
            metrics.reloadFailed();
            return false;
        }
        if (!effective.dns().equals(running.dns())) {
            dns = dnsClient(effective);
        }
        sessions.replace(SessionConfig.of(effective, dns, dnsClock, null), downstream);
        running = effective;
        metrics.reloaded(effective.trusted());
        for (String key : needRestart) {
            LOG.warn("reload: {} changed: it needs a restart; running with the old value until then", key);
        }
        LOG.info("spfgate: configuration reloaded from {}: new connections use it", file);
        return true;
    }

    /** {@code next}, but with the running value of every key that only a restart can change. */
    private GatewayConfig withoutRestartKeys(GatewayConfig next, List<String> changed) {
        ServerConfig was = config.server();
        ServerConfig now = next.server();
        compare("server.listen", was.listen(), now.listen(), changed);
        compare("server.hostname", was.hostname(), now.hostname(), changed);
        compare("server.max_connections", was.maxConnections(), now.maxConnections(), changed);
        compare("server.max_connections_per_ip", was.maxConnectionsPerIp(), now.maxConnectionsPerIp(), changed);
        compare("server.max_message_size", was.maxMessageSize(), now.maxMessageSize(), changed);
        compare("server.timeouts", was.timeouts(), now.timeouts(), changed);
        compare("server.proxy_protocol", was.proxyProtocol(), now.proxyProtocol(), changed);
        compare("server.max_transactions_per_ip", was.maxTransactionsPerIp(), now.maxTransactionsPerIp(), changed);
        compare("server.listen_backlog", was.listenBacklog(), now.listenBacklog(), changed);
        compare("server.tls (STARTTLS on or off)", was.tls() == null, now.tls() == null, changed);
        compare("metrics.listen", config.metrics(), next.metrics(), changed);
        compare("log", config.log(), next.log(), changed);
        ServerConfig server = new ServerConfig(was.hostname(), was.listen(), was.maxConnections(),
                was.maxConnectionsPerIp(), was.maxMessageSize(), now.maxRecipients(), was.timeouts(),
                (was.tls() == null) == (now.tls() == null) ? now.tls() : was.tls(), was.proxyProtocol(),
                now.bareLineEndings(), now.tempDirectory(), was.maxTransactionsPerIp(), was.listenBacklog());
        return new GatewayConfig(server, next.domains(), next.relay(), next.deliverToDirectory(), next.dns(),
                next.spf(), next.trusted(), config.metrics(), config.log());
    }

    private static void compare(String key, Object was, Object now, List<String> changed) {
        if (!Objects.equals(was, now)) {
            changed.add(key);
        }
    }

    private SpfDnsClient dnsClient(GatewayConfig c) {
        return new SpfDnsClient(c.dns().servers().stream().map(HostPort::toSocketAddress).toList(),
                c.dns().queryTimeout(), SpfDnsClient.DEFAULT_CACHE_ENTRIES, metrics::dnsQuery, dnsClock);
    }

    private static Downstream downstream(GatewayConfig c) {
        return c.relay() != null ? new SmtpDownstream(c.relay(), c.server().hostname())
                : new DirectoryDownstream(c.deliverToDirectory());
    }

    /** SIGTERM (and SIGINT) shut the gateway down gracefully within {@code deadline}. */
    public Thread installShutdownHook(Duration deadline) {
        Thread hook = new Thread(() -> shutdown(deadline), "spfgate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** Immediate shutdown: no grace for transactions in flight. */
    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
