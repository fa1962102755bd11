package org.spfgate.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Strict IP address literals as config files write them: dotted-quad IPv4 ({@code 192.0.2.1},
 * none of the legacy {@code 127.1} forms) and IPv6 ({@code 2001:db8::1}, {@code ::ffff:192.0.2.1},
 * no zone id). Parsing never touches DNS.
 */
public final class IpLiteral {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpLiteral() {
    }

    public static boolean isIPv4(String text) {
        var m = IPV4.matcher(text);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }

    public static boolean isIPv6(String text) {
        if (text.indexOf(':') < 0 || !IPV6_CHARS.matcher(text).matches()) {
            return false;
        }
        try {
            // With a ':' in it, InetAddress parses the text as an IPv6 literal and never looks it up.
            InetAddress.getByName(text);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The address an IPv4 or IPv6 literal names, without any DNS lookup.
     *
     * @throws IllegalArgumentException if {@code text} is not such a literal
     */
    public static InetAddress parse(String text) {
        if (!isIPv4(text) && !isIPv6(text)) {
            throw new IllegalArgumentException("not an IP address: \"" + text + "\"");
        }
        try {
            return InetAddress.getByName(text); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: \"" + text + "\"", e);
        }
    }
}
