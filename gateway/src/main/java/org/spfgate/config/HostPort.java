package org.spfgate.config;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host (name, IPv4 or IPv6 literal without brackets) and a port, as written in the config:
 * {@code 127.0.0.1:2525}, {@code [::]:25}, {@code mx.example.org:25}.
 */
public record HostPort(String host, int port) {

    private static final Pattern BRACKETED = Pattern.compile("\\[([^\\]]*)\\](?::(.*))?");

    /** Creates an unresolved-until-used socket address (names are resolved when bound or connected). */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    /**
     * Parses {@code host:port}, {@code [ipv6]:port}.
     *
     * @throws IllegalArgumentException with a message fit for a config error
     */
    public static HostPort parse(String text) {
        return parse(text, -1);
    }

    /**
     * Parses {@code host:port}, {@code [ipv6]:port}, and when {@code defaultPort > 0} also
     * {@code host}, {@code [ipv6]} and a bare IPv6 literal such as {@code ::1}.
     *
     * @throws IllegalArgumentException with a message fit for a config error
     */
    public static HostPort parse(String text, int defaultPort) {
        String t = text.trim();
        String host;
        String port;
        Matcher bracketed = BRACKETED.matcher(t);
        if (bracketed.matches()) {
            host = bracketed.group(1);
            port = bracketed.group(2);
            if (!IpLiteral.isIPv6(host)) {
                throw new IllegalArgumentException("not an IPv6 address in brackets: \"" + text + "\"");
            }
        } else if (defaultPort > 0 && IpLiteral.isIPv6(t)) {
            host = t;
            port = null;
        } else if (t.indexOf(':') != t.lastIndexOf(':')) {
            throw new IllegalArgumentException("write an IPv6 address in brackets, e.g. \"[::1]:25\": \"" + text + "\"");
        } else {
            int colon = t.indexOf(':');
            host = colon < 0 ? t : t.substring(0, colon);
            port = colon < 0 ? null : t.substring(colon + 1);
            if (!IpLiteral.isIPv4(host)) {
                try {
                    host = DomainNameSyntax.normalize(host);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("not a host name or IP address: \"" + host + "\" in \"" + text + "\"");
                }
            }
        }
        return new HostPort(host.toLowerCase(Locale.ROOT), port(text, port, defaultPort));
    }

    private static int port(String text, String port, int defaultPort) {
        if (port == null) {
            if (defaultPort > 0) {
                return defaultPort;
            }
            throw new IllegalArgumentException("missing port: \"" + text + "\" (write host:port, e.g. 127.0.0.1:2525)");
        }
        if (!port.matches("\\d{1,9}")) {
            throw new IllegalArgumentException("not a port number: \"" + port + "\" in \"" + text + "\"");
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("port " + p + " out of range (1-65535) in \"" + text + "\"");
        }
        return p;
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
