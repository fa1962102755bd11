package org.spfgate.config;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.net.InetAddress;

/**
 * An IPv4 or IPv6 network in CIDR notation. Backed by the IPAddress library (seancfoley), which
 * parses and matches both families correctly, so we do not hand-roll prefix arithmetic here.
 * IPv4-mapped IPv6 client addresses match IPv4 networks.
 *
 * <p>Parsing is strict because these lists decide who skips SPF: an address literal, optionally
 * {@code /prefix}; no wildcards or ranges; and no host bits set after the prefix
 * ({@code 198.51.100.7/28} is refused, since the operator probably meant something else).
 */
public record Cidr(String text, IPAddress network) {

    /** @throws IllegalArgumentException with a message fit for a config error */
    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        boolean v4 = IpLiteral.isIPv4(address);
        if (!v4 && !IpLiteral.isIPv6(address)) {
            throw new IllegalArgumentException("not an IP network: \"" + text + "\" (write e.g. 198.51.100.0/28 or 2001:db8::/48)");
        }
        int max = v4 ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > max) {
                throw new IllegalArgumentException("not an IP network: \"" + text + "\" (prefix length must be 0-" + max + ")");
            }
            prefix = Integer.parseInt(p);
        }
        IPAddress host = new IPAddressString(address).getAddress();
        if (host == null) {
            throw new IllegalArgumentException("not an IP network: \"" + text + "\"");
        }
        IPAddress network = host.setPrefixLength(prefix, false).toPrefixBlock();
        if (!network.getLower().withoutPrefixLength().equals(host.withoutPrefixLength())) {
            throw new IllegalArgumentException("\"" + text + "\" has host bits set after the /" + prefix
                    + " prefix (did you mean " + network.getLower().withoutPrefixLength() + "/" + prefix + "?)");
        }
        return new Cidr(t, network);
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
