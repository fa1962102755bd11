package org.spfgate.headers;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.net.Inet4Address;
import java.net.InetAddress;

/** How headers write the client's IP: RFC 5952 short form, and RFC 5321 4.1.3 address literals. */
final class ClientAddress {

    private ClientAddress() {
    }

    /** {@code 192.0.2.1}, {@code 2001:db8::1}. */
    static String text(InetAddress ip) {
        if (ip instanceof Inet4Address) {
            return ip.getHostAddress(); // already dotted quad; the common case stays cheap
        }
        IPAddress address = new IPAddressString(ip.getHostAddress()).getAddress();
        if (address == null) {
            return ip.getHostAddress();
        }
        if (address.isIPv6() && address.isIPv4Convertible() && address.toIPv6().isIPv4Mapped()) {
            return address.toIPv4().toCanonicalString();
        }
        return address.toCanonicalString();
    }

    /** {@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}. */
    static String literal(InetAddress ip) {
        String text = text(ip);
        return text.indexOf(':') >= 0 ? "[IPv6:" + text + "]" : "[" + text + "]";
    }
}
