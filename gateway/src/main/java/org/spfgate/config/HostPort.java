package org.spfgate.config;

import java.net.InetSocketAddress;

/** A host (name, IPv4 or IPv6 literal without brackets) and a port, as written in the config. */
public record HostPort(String host, int port) {

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
