package org.spfgate.listener;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.List;
import org.spfgate.config.Cidr;
import org.spfgate.metrics.ConnectionOutcome;
import org.spfgate.metrics.GatewayMetrics;
import org.subethamail.smtp.internal.proxy.ProxyHandler;
import org.subethamail.smtp.internal.proxy.ProxyProtocolV1V2Handler;
import org.subethamail.smtp.server.Session;

/**
 * PROXY protocol v1/v2 ({@code server.proxy_protocol}): a connection from one of the listed load
 * balancers must start with a PROXY header, and the client address it carries is the one SPF,
 * limits and logs see. A connection from anywhere else is a direct client: a PROXY header from it
 * is not honoured (otherwise any client could claim any address and pass SPF as someone else).
 * Parsing is SubEtha's.
 */
final class ProxyGate implements ProxyHandler {

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
        try {
            ProxyResult result = ProxyProtocolV1V2Handler.INSTANCE.handle(in, out, session);
            if (!result.isSuccess() || result.isNOP()) {
                metrics.connectionOpened(ConnectionOutcome.REFUSED_PROXY);
                return new ProxyResult(421, "4.7.0 PROXY protocol header required");
            }
            return result;
        } catch (IOException | RuntimeException malformed) {
            metrics.connectionOpened(ConnectionOutcome.REFUSED_PROXY);
            return new ProxyResult(421, "4.7.0 Malformed PROXY protocol header");
        }
    }
}
