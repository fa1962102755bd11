package org.spfgate.listener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import org.spfgate.config.HostPort;
import org.spfgate.config.ServerConfig;
import org.spfgate.metrics.GatewayMetrics;
import org.subethamail.smtp.internal.proxy.ProxyHandler;
import org.subethamail.smtp.server.SMTPServer;

/**
 * One listen address of {@code server.listen}: a SubEtha {@link SMTPServer}, one thread per
 * connection ({@link SessionThreads}), configured as SubEtha 7.2 needs it: SIZE always advertised
 * ({@code maxMessageSize > 0}, or SubEtha refuses every {@code MAIL SIZE=}), SubEtha's own
 * Received header off (it does a blocking reverse lookup per message and we write our own), our
 * STARTTLS socket creator (SubEtha's default enables every protocol and cipher), our commands.
 */
public final class SmtpListener {

    /**
     * Connections SubEtha itself accepts beyond {@code max_connections} (at least this many, or
     * as many again as {@code max_connections}), so that the ones over the limit get our
     * {@code 421 4.7.0} instead of waiting in the kernel's backlog or getting SubEtha's own 421
     * without an enhanced status code. A refusal lasts a moment; in a burst many are in flight.
     */
    private static final int REFUSAL_HEADROOM = 64;

    private final SMTPServer server;
    private final ListeningSocket socket;
    private final ExecutorService sessions = new SessionThreads();
    private final HostPort configured;

    public SmtpListener(HostPort address, ServerConfig config, ConnectionGate gate, ServerTls tls, GatewayMetrics metrics) {
        this.configured = address;
        try {
            this.socket = new ListeningSocket(gate.deadlines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int maxMessageSize = (int) Math.min(Integer.MAX_VALUE, config.maxMessageSize());
        InetAddress bind;
        try {
            bind = InetAddress.getByName(address.host());
        } catch (IOException e) {
            throw new UncheckedIOException("server.listen: cannot resolve " + address, e);
        }
        SMTPServer.Builder builder = SMTPServer.port(address.port())
                .bindAddress(bind)
                .hostName(config.hostname())
                .softwareName("spfgate")
                .executorService(sessions)
                .serverSocketFactory(() -> socket)
                .sessionHandler(config.proxyProtocol().isEmpty() ? new StreamsOnSessionThread(gate) : gate)
                .maxConnections(config.maxConnections() + Math.max(REFUSAL_HEADROOM, config.maxConnections()))
                .backlog(config.listenBacklog())
                .connectionTimeoutMs((int) Math.min(Integer.MAX_VALUE, config.timeouts().command().toMillis()))
                .maxMessageSize(Math.max(1, maxMessageSize))
                .insertReceivedHeaders(false)
                .proxyHandler(config.proxyProtocol().isEmpty()
                        ? ProxyHandler.NOP : new ProxyGate(config.proxyProtocol(), metrics));
        if (tls != null) {
            builder.enableTLS().startTlsSocketFactory(new TlsSocketCreator(tls));
        }
        this.server = builder.build();
        SmtpCommands.install(server.getCommandHandler(), gate, tls != null, Math.max(1, maxMessageSize),
                config.timeouts().command(), config.timeouts().data());
    }

    public void start() throws IOException {
        try {
            server.start();
        } catch (RuntimeException e) {
            // SubEtha wraps the bind failure; the operator needs the address and the reason
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("server.listen: cannot listen on " + configured + ": " + cause.getMessage(), e);
        }
    }

    /** The bound address (the real port when configured with port 0). */
    public InetSocketAddress address() {
        return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
    }

    public boolean isRunning() {
        return server.isRunning() && !socket.isClosed();
    }

    /** New clients are refused by the kernel from now on; admitted sessions go on. */
    public void stopAccepting() {
        socket.stopAccepting();
    }

    /** Closes every remaining session (a DATA in progress is cut: the downstream is aborted). */
    public void stop() {
        socket.stopAccepting();
        server.stop(); // interrupts the accept thread parked by stopAccepting()
        socket.release();
    }
}
