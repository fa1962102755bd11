package org.spfgate.dns;

import java.time.Duration;

/**
 * Observes every query {@link SpfDnsClient} sends to a server, so metrics can count them without
 * this package knowing the metrics library. Answers from the cache are not queries and are not
 * reported. Called on the querying thread; must be fast and must not throw.
 */
@FunctionalInterface
public interface DnsQueryListener {

    /** Listens to nothing. */
    DnsQueryListener NONE = (type, outcome, elapsed) -> { };

    /**
     * @param type    the record type asked for
     * @param outcome what came back
     * @param elapsed time from sending the query to its outcome
     */
    void queried(DnsQueryType type, DnsQueryOutcome outcome, Duration elapsed);
}
