package org.spfgate.spf;

import java.net.Inet4Address;
import java.net.InetAddress;

/** The client IP as the {@code i} and {@code c} macros write it (RFC 7208 7.3). */
final class ClientIpText {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ClientIpText() {
    }

    /**
     * %{i} for IPv6: 32 dot-separated nibbles, e.g. {@code 2.0.0.1.0.D.B.8...}. Upper-case hex as
     * in RFC 4408's example and the RFC 7208 test suite (DNS ignores the case; explanations do not).
     */
    static String nibbles(byte[] address) {
        char[] out = new char[address.length * 4 - 1];
        int o = 0;
        for (int i = 0; i < address.length; i++) {
            if (o > 0) {
                out[o++] = '.';
            }
            out[o++] = HEX[(address[i] >> 4) & 0xf];
            out[o++] = '.';
            out[o++] = HEX[address[i] & 0xf];
        }
        return new String(out);
    }

    /** %{c}: dotted quad, or the RFC 5952 compressed IPv6 text, e.g. {@code 2001:db8::1}. */
    static String readable(InetAddress ip) {
        if (ip instanceof Inet4Address) {
            return ip.getHostAddress();
        }
        byte[] b = ip.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // RFC 5952 4.2: the longest run (first if tied) of two or more zero groups becomes "::".
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
