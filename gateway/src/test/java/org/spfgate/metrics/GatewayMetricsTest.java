package org.spfgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.spfgate.config.TrustedEntry;
import org.spfgate.dns.DnsQueryOutcome;
import org.spfgate.dns.DnsQueryType;
import org.spfgate.policy.RejectionReason;
import org.spfgate.relay.DownstreamRefusal;
import org.spfgate.spf.SpfIdentity;
import org.spfgate.spf.SpfResult;

class GatewayMetricsTest {

    private final GatewayMetrics metrics = new GatewayMetrics(List.of(
            new TrustedEntry("backup-mx", List.of(), List.of()),
            new TrustedEntry("university-forwarder", List.of(), List.of("*.forward.example.edu"))));

    @AfterEach
    void close() {
        metrics.close();
    }

    private Map<String, Double> delta(Runnable action) {
        return MetricsDelta.of(metrics::scrape, action);
    }

    @Test
    void aConnectionMovesOnlyItsOutcome() {
        assertEquals(Map.of("spfgate_connections_total{outcome=refused_per_ip}", 1.0),
                delta(() -> metrics.connectionOpened(ConnectionOutcome.REFUSED_PER_IP)));
    }

    @Test
    void sessionsActiveFollowsStartsAndEnds() {
        assertEquals(Map.of("spfgate_sessions_active{}", 2.0), delta(() -> {
            metrics.sessionStarted();
            metrics.sessionStarted();
            metrics.sessionStarted();
            metrics.sessionEnded();
        }));
    }

    @Test
    void sessionsActiveStillReadsAfterGarbageCollection() {
        metrics.sessionStarted();
        System.gc();
        assertEquals(1.0, PrometheusText.parse(metrics.scrape()).value("spfgate_sessions_active"));
    }

    @Test
    void anSpfCheckCountsItsIdentityAndResultAndItsDuration() {
        Map<String, Double> delta = delta(() ->
                metrics.spfChecked(SpfIdentity.HELO, SpfResult.SOFTFAIL, Duration.ofMillis(30)));
        assertEquals(Map.of(
                "spfgate_spf_checks_total{identity=helo, result=softfail}", 1.0,
                "spfgate_spf_check_seconds_count{}", 1.0), delta);
        PrometheusText after = PrometheusText.parse(metrics.scrape());
        assertEquals(0.0, after.value("spfgate_spf_check_seconds_bucket", "le", "0.025"));
        assertEquals(1.0, after.value("spfgate_spf_check_seconds_bucket", "le", "0.05"));
        assertEquals(0.03, after.value("spfgate_spf_check_seconds_sum"), 1e-9);
    }

    @Test
    void aTrustedClientCountsUnderItsConfiguredName() {
        assertEquals(Map.of("spfgate_trusted_total{name=university-forwarder}", 1.0),
                delta(() -> metrics.trustedClient("university-forwarder")));
    }

    @Test
    void messageOutcomesAndRejectionReasonsAreSeparateCounters() {
        assertEquals(Map.of(
                "spfgate_messages_total{outcome=rejected}", 1.0,
                "spfgate_rejections_total{reason=spf_fail}", 2.0), delta(() -> {
            metrics.rejected(RejectionReason.SPF_FAIL);
            metrics.rejected(RejectionReason.SPF_FAIL);
            metrics.messageOutcome(MessageOutcome.REJECTED);
        }));
    }

    @Test
    void aRelayCountsItsDurationAndAFailureItsReason() {
        assertEquals(Map.of(
                "spfgate_relay_seconds_count{}", 1.0,
                "spfgate_relay_failures_total{reason=timeout}", 1.0), delta(() -> {
            metrics.relayed(Duration.ofMillis(400));
            metrics.relayFailed(DownstreamRefusal.Kind.TIMEOUT);
        }));
    }

    @Test
    void aDnsQueryCountsItsTypeOutcomeAndLatency() {
        assertEquals(Map.of(
                "spfgate_dns_queries_total{outcome=nxdomain, type=txt}", 1.0,
                "spfgate_dns_query_seconds_count{type=txt}", 1.0),
                delta(() -> metrics.dnsQuery(DnsQueryType.TXT, DnsQueryOutcome.NXDOMAIN, Duration.ofMillis(2))));
    }

    @Test
    void everyTypeAndOutcomeTheDnsClientReportsHasASeriesFromTheStart() {
        Map<String, Double> before = MetricsDelta.snapshot(metrics.scrape());
        for (DnsQueryType type : DnsQueryType.values()) {
            for (DnsQueryOutcome outcome : DnsQueryOutcome.values()) {
                Map<String, Double> delta = delta(() -> metrics.dnsQuery(type, outcome, Duration.ofMillis(1)));
                String series = "spfgate_dns_queries_total{outcome=" + outcome.name().toLowerCase(Locale.ROOT)
                        + ", type=" + type.name().toLowerCase(Locale.ROOT) + "}";
                assertEquals(1.0, delta.get(series), () -> series + " in " + delta);
            }
        }
        assertEquals(before.keySet(), MetricsDelta.snapshot(metrics.scrape()).keySet(), "no series added");
    }

    @Test
    void everySpfResultMapsToItsSpfToken() {
        for (SpfResult result : SpfResult.values()) {
            assertEquals("spf_" + result.token(), RejectionReason.forSpf(result).token());
        }
    }

    @Test
    void theSeriesCountIsFixedAtStartAndDoesNotGrowWithTraffic() {
        int before = MetricsDelta.snapshot(metrics.scrape()).size();
        for (SpfResult result : SpfResult.values()) {
            metrics.spfChecked(SpfIdentity.MAILFROM, result, Duration.ofMillis(1));
        }
        for (RejectionReason reason : RejectionReason.values()) {
            metrics.rejected(reason);
        }
        metrics.trustedClient("backup-mx");
        assertEquals(before, MetricsDelta.snapshot(metrics.scrape()).size());
    }
}
