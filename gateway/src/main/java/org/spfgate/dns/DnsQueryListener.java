package org.spfgate.dns;

import java.util.List;

/**
 * Observes every lookup {@link SpfDnsClient} answers, so metrics can count them
 * ({@code spfgate_dns_queries_total{type,outcome}}, docs/contract.md §6) without this package knowing
 * the metrics library. Called on the querying thread; must be fast and must not throw.
 */
@FunctionalInterface
public interface DnsQueryListener {

    /** The record types SPF asks for: the {@code type} values this listener is called with. */
    List<String> TYPES = List.of("TXT", "A", "AAAA", "MX", "PTR");

    /** RCODE 0 with at least one record of the asked type. */
    String ANSWER = "answer";
    /** RCODE 0 with no record of the asked type. */
    String NODATA = "nodata";
    /** RCODE 3. */
    String NXDOMAIN = "nxdomain";
    /** RCODE 2. */
    String SERVFAIL = "servfail";
    /** No reply within the query time-out. */
    String TIMEOUT = "timeout";
    /** Any other failure: REFUSED and other RCODEs, a reply that does not parse, a CNAME loop. */
    String ERROR = "error";
    /** Answered from the cache: no packet sent. */
    String CACHED = "cached";

    /** Every {@code outcome} value, so a metrics registry can create each series at zero. */
    List<String> OUTCOMES = List.of(ANSWER, NODATA, NXDOMAIN, SERVFAIL, TIMEOUT, ERROR, CACHED);

    /** Listens to nothing. */
    DnsQueryListener NONE = (type, outcome, nanos) -> { };

    /**
     * @param type    one of {@link #TYPES}
     * @param outcome one of {@link #OUTCOMES}
     * @param nanos   time from sending the query to its outcome; 0 for {@link #CACHED} (not
     *                timed, to keep cache hits cheap)
     */
    void queried(String type, String outcome, long nanos);
}
