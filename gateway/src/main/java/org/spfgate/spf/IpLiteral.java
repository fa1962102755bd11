package org.spfgate.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Strict IP address text parsing for {@code ip4:} and {@code ip6:} (RFC 7208 5.6, RFC 4291 2.2)
 * and the IPv4-mapped unmapping of client addresses (RFC 7208 5: an IPv4-mapped IPv6 client is
 * an IPv4 client). No DNS, no regex, no leniency: {@code 1.2.3}, {@code 01.2.3.4} and zone ids
 * are rejected.
 */
public final class IpLiteral {

    private IpLiteral() {
    }

    /** Four bytes of a dotted quad with no leading zeros, or {@code null}. */
    static byte[] parseIpv4(String s) {
        return parseIpv4(s, 0, s.length());
    }

    private static byte[] parseIpv4(String s, int from, int to) {
        byte[] out = new byte[4];
        int part = 0;
        int i = from;
        while (part < 4) {
            int start = i;
            int value = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int len = i - start;
            if (len == 0 || value > 255 || (len > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[part++] = (byte) value;
            if (part < 4) {
                if (i >= to || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == to ? out : null;
    }

    /** Sixteen bytes of an RFC 4291 2.2 address (with "::" and a trailing dotted quad), or {@code null}. */
    static byte[] parseIpv6(String s) {
        int n = s.length();
        if (n < 2) {
            return null;
        }
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (i == n) {
                return new byte[16];
            }
        } else if (s.charAt(0) == ':') {
            return null;
        }
        byte[] tail4 = null;
        while (i < n) {
            if (count == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < n && Character.digit(s.charAt(i), 16) >= 0 && i - start < 5) {
                value = (value << 4) | Character.digit(s.charAt(i), 16);
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                // An embedded IPv4 address ends the text and fills two groups.
                tail4 = parseIpv4(s, start, n);
                if (tail4 == null || count > 6) {
                    return null;
                }
                groups[count++] = ((tail4[0] & 0xff) << 8) | (tail4[1] & 0xff);
                groups[count++] = ((tail4[2] & 0xff) << 8) | (tail4[3] & 0xff);
                i = n;
                break;
            }
            int len = i - start;
            if (len == 0 || len > 4) {
                return null;
            }
            groups[count++] = value;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return null;
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] out = new byte[16];
        int zeros = 8 - count;
        for (int g = 0, o = 0; g < count; g++, o++) {
            if (g == gap) {
                o += zeros;
            }
            out[2 * o] = (byte) (groups[g] >> 8);
            out[2 * o + 1] = (byte) groups[g];
        }
        return out;
    }

    /**
     * {@code ip} with an IPv4-mapped IPv6 address turned into the IPv4 address (RFC 7208 5): the
     * one implementation, for the session's client, trusted-client matching and the checker.
     */
    public static InetAddress unmapped(InetAddress ip) {
        if (ip instanceof Inet4Address) {
            return ip;
        }
        byte[] b = ip.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return ip;
            }
        }
        if (b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
            return ip;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an address", e);
        }
    }
}
