package org.spfgate.dns;

import org.xbill.DNS.Type;

/** The record types SPF asks for: RFC 7208 has no use for others, and never for type SPF (3.1). */
public enum DnsQueryType {
    TXT(Type.TXT), A(Type.A), AAAA(Type.AAAA), MX(Type.MX), PTR(Type.PTR);

    private final int wireType;

    DnsQueryType(int wireType) {
        this.wireType = wireType;
    }

    /** The TYPE value asked on the wire (RFC 1035 3.2.2), as dnsjava's {@link Type} numbers it. */
    int wireType() {
        return wireType;
    }
}
