package org.spfgate.spf;

/**
 * One directive of a record: qualifier, mechanism and its arguments (RFC 7208 4.6.1, 5).
 *
 * @param written   the term as written in the record, e.g. {@code -all}, {@code include:_spf.example.com}
 * @param qualifier the result on a match
 * @param kind      which mechanism
 * @param domain    the domain-spec, or {@code null} for the current domain (and for ip4, ip6, all)
 * @param network   ip4/ip6 only: the network's address bytes (4 or 16)
 * @param cidr4     ip4, a, mx: the IPv4 prefix length (32 when absent)
 * @param cidr6     ip6, a, mx: the IPv6 prefix length (128 when absent)
 */
record Mechanism(String written, Qualifier qualifier, Kind kind, MacroString domain, byte[] network,
                 int cidr4, int cidr6) {

    enum Kind {
        ALL, INCLUDE, A, MX, PTR, IP4, IP6, EXISTS;

        /** RFC 7208 4.6.4: the mechanisms that query DNS and count against the limit of 10. */
        boolean queriesDns() {
            return this == INCLUDE || this == A || this == MX || this == PTR || this == EXISTS;
        }
    }

    /** Whether {@code address} lies in {@code network}/{@code bits} (both 4 or both 16 bytes). */
    static boolean inNetwork(byte[] address, byte[] network, int bits) {
        if (address.length != network.length) {
            return false;
        }
        int whole = bits >>> 3;
        for (int i = 0; i < whole; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = bits & 7;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[whole] & mask) == (network[whole] & mask);
    }
}
