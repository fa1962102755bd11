package org.spfgate.listener;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.List;
import org.spfgate.config.Cidr;
import org.spfgate.metrics.ConnectionOutcome;
import org.spfgate.metrics.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.internal.proxy.ProxyHandler;
import org.subethamail.smtp.server.Session;

/**
 * PROXY protocol v1/v2 ({@code server.proxy_protocol}): a connection from one of the listed load
 * balancers must start with a PROXY header, and the client address it carries is the one SPF,
 * limits and logs see. A connection from anywhere else is a direct client: a PROXY header from it
 * is not honoured (otherwise any client could claim any address and pass SPF as someone else).
 * Parsing is {@link ProxyHeader}'s, on SubEtha's own buffered stream, so that bytes after the
 * header stay there for the SMTP reader.
 */
final class ProxyGate implements ProxyHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyGate.class);

    private final List<Cidr> loadBalancers;
    private final GatewayMetrics metrics;

    ProxyGate(List<Cidr> loadBalancers, GatewayMetrics metrics) {
        this.loadBalancers = List.copyOf(loadBalancers);
        this.metrics = metrics;
    }

    @Override
    public ProxyResult handle(InputStream in, OutputStream out, Session session) throws IOException {
        InetAddress peer = session.getRealRemoteAddress().getAddress();
        if (loadBalancers.stream().noneMatch(network -> network.contains(peer))) {
            return ProxyResult.NOP;
        }
        ProxyHeader header;
        try {
            header = ProxyHeader.read(in);
        } catch (IOException malformed) {
            // not a header, or the connection ended or timed out inside it
            LOG.info("refused {}: {}", peer.getHostAddress(), malformed.getMessage());
            metrics.connectionOpened(ConnectionOutcome.REFUSED_PROXY);
            return new ProxyResult(421, "4.7.0 Malformed PROXY protocol header");
        }
        if (header.isLocal()) {
            // a LOCAL or UNKNOWN header names no client: SPF would see the load balancer
            metrics.connectionOpened(ConnectionOutcome.REFUSED_PROXY);
            return new ProxyResult(421, "4.7.0 PROXY protocol header required");
        }
        return new ProxyResult(header.source());
    }
}
