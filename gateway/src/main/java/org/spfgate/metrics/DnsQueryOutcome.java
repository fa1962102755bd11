package org.spfgate.metrics;

import java.util.Locale;

/** What one DNS query came back with: the {@code outcome} label of spfgate_dns_queries_total. */
public enum DnsQueryOutcome {
    /** At least one record of the asked type. */
    ANSWER,
    /** The name does not exist. */
    NXDOMAIN,
    /** The name exists without records of the type. */
    NODATA,
    /** The server answered SERVFAIL (or REFUSED). */
    SERVFAIL,
    /** No answer within {@code dns.query_timeout}. */
    TIMEOUT,
    /** Anything else: REFUSED, a malformed answer, an I/O error. */
    ERROR;

    private final String token = name().toLowerCase(Locale.ROOT);

    /** The label value. */
    public String token() {
        return token;
    }

    /** Parses an outcome token case-insensitively; throws on others. */
    public static DnsQueryOutcome fromToken(String token) {
        return valueOf(token.trim().toUpperCase(Locale.ROOT));
    }
}
