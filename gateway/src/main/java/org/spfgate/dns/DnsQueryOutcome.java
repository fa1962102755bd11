package org.spfgate.dns;

/**
 * What one DNS query sent to a server came back with. Finer than {@link org.spfgate.spf.DnsAnswer}'s
 * status, which folds the last four into ERROR for the SPF engine (RFC 7208 2.6.6).
 */
public enum DnsQueryOutcome {
    /** RCODE 0 with at least one record of the asked type, or a CNAME to follow. */
    ANSWER,
    /** RCODE 3: the name does not exist. */
    NXDOMAIN,
    /** RCODE 0 with no record of the asked type. */
    NODATA,
    /** RCODE 2. */
    SERVFAIL,
    /** No reply within the query time-out. */
    TIMEOUT,
    /** Any other failure: REFUSED and other RCODEs, an I/O error, a reply that does not parse, a CNAME loop. */
    ERROR
}
