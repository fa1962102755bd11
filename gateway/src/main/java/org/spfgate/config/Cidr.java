package org.spfgate.config;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.net.InetAddress;

/**
 * An IPv4 or IPv6 network in CIDR notation. Backed by the IPAddress library (seancfoley), which
 * parses and matches both families correctly, so we do not hand-roll prefix arithmetic here.
 * IPv4-mapped IPv6 client addresses match IPv4 networks.
 */
public record Cidr(String text, IPAddress network) {

    /** @throws IllegalArgumentException with a message fit for a config error */
    public static Cidr parse(String text) {
        IPAddressString s = new IPAddressString(text.trim());
        IPAddress a = s.getAddress();
        if (a == null) {
            throw new IllegalArgumentException("not an IP network: \"" + text + "\"");
        }
        return new Cidr(text.trim(), a.toPrefixBlock());
    }

    public boolean contains(InetAddress ip) {
        IPAddress candidate = new IPAddressString(ip.getHostAddress()).getAddress();
        if (candidate == null) {
            return false;
        }
        if (candidate.isIPv6() && candidate.isIPv4Convertible() && network.isIPv4()) {
            candidate = candidate.toIPv4();
        }
        return network.contains(candidate);
    }

    @Override
    public String toString() {
        return text;
    }
}
