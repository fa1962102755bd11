package org.spfgate.metrics;

import java.util.Locale;

/** The record types SPF asks for (RFC 7208 has no use for others): the {@code type} label of spfgate_dns_queries_total. */
public enum DnsQueryType {
    TXT, A, AAAA, MX, PTR;

    private final String token = name().toLowerCase(Locale.ROOT);

    /** The label value. */
    public String token() {
        return token;
    }

    /** Parses a record type name case-insensitively ({@code "TXT"}, {@code "txt"}); throws on others. */
    public static DnsQueryType fromToken(String token) {
        return valueOf(token.trim().toUpperCase(Locale.ROOT));
    }
}
