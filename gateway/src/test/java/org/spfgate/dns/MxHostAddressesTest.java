package org.spfgate.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;

/** mx_of address sets, resolved by the gateway's DNS client from a real DNS server on loopback; time from a test clock. */
class MxHostAddressesTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private final TestZone zone = new TestZone();
    private final TestDnsServer dns = TestDnsServer.start(zone);
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final SpfDnsClient client = new SpfDnsClient(List.of(dns.address()), TIMEOUT, 1000,
            DnsQueryListener.NONE, clock::get);

    @AfterEach
    void stopServer() {
        dns.close();
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private void advanceSeconds(long seconds) {
        clock.addAndGet(seconds * 1_000_000_000L);
    }

    private MxHostAddresses of(String... domains) {
        return new MxHostAddresses(List.of(domains), client, clock::get);
    }

    @Test
    void everyAAndAaaaAddressOfEveryMxHostIsInTheSet() throws Exception {
        zone.mx("example.org", 10, "mx1.example.org").mx("example.org", 20, "mx2.example.org")
                .a("mx1.example.org", "192.0.2.1").aaaa("mx1.example.org", "2001:db8::1")
                .a("mx2.example.org", "192.0.2.2", "192.0.2.3");

        MxHostAddresses mx = of("example.org");

        assertEquals(Set.of(ip("192.0.2.1"), ip("2001:db8::1"), ip("192.0.2.2"), ip("192.0.2.3")),
                mx.addresses("example.org"));
        assertTrue(mx.contains("example.org", ip("2001:db8::1")));
        assertFalse(mx.contains("example.org", ip("192.0.2.4")));
        assertFalse(mx.contains("example.net", ip("192.0.2.1")), "a domain not given has no addresses");
    }

    @Test
    void withinTheTtlNoQuestionIsAskedAndAfterItAChangedRecordIsFollowed() throws Exception {
        zone.ttl(600).mx("example.org", 10, "mx.example.org").ttl(120).a("mx.example.org", "192.0.2.1");
        MxHostAddresses mx = of("example.org");
        zone.remove("mx.example.org").a("mx.example.org", "192.0.2.99");
        dns.resetCounts();

        advanceSeconds(119);
        assertTrue(mx.contains("example.org", ip("192.0.2.1")), "still the first answer within its TTL");
        assertEquals(0, dns.totalQueryCount());

        advanceSeconds(1); // the A record's 120 s are over (the smallest TTL of the set)
        assertTrue(mx.contains("example.org", ip("192.0.2.99")));
        assertFalse(mx.contains("example.org", ip("192.0.2.1")));
        assertEquals(1, dns.queryCount("mx.example.org", "A"));
    }

    @Test
    void whenTheDnsServerStopsAnsweringTheLastGoodSetIsKeptAndAskedAgainLater() throws Exception {
        zone.ttl(60).mx("example.org", 10, "mx.example.org").a("mx.example.org", "192.0.2.1")
                .aaaa("mx.example.org", "2001:db8::1");
        MxHostAddresses mx = of("example.org");
        zone.timeout("example.org").timeout("mx.example.org");

        advanceSeconds(61);
        assertEquals(Set.of(ip("192.0.2.1"), ip("2001:db8::1")), mx.addresses("example.org"));
        int asked = dns.totalQueryCount();

        advanceSeconds(MxHostAddresses.RETRY.toSeconds() - 1);
        assertTrue(mx.contains("example.org", ip("192.0.2.1")));
        assertEquals(asked, dns.totalQueryCount(), "no new question before the retry time");

        zone.clearFault("example.org").clearFault("mx.example.org");
        zone.remove("mx.example.org").a("mx.example.org", "192.0.2.50");
        advanceSeconds(1);
        assertEquals(Set.of(ip("192.0.2.50")), mx.addresses("example.org"), "answering again: the new set");
    }

    @Test
    void aDomainThatResolvesToNothingAtStartIsAnEmptySetNotAnErrorAndIsTriedAgain() throws Exception {
        zone.timeout("down.example");
        zone.mx("nullmx.example", 0, ".");

        MxHostAddresses mx = of("down.example", "nowhere.example", "nullmx.example");

        assertEquals(Set.of(), mx.addresses("down.example"));
        assertEquals(Set.of(), mx.addresses("nowhere.example"));
        assertEquals(Set.of(), mx.addresses("nullmx.example"), "RFC 7505 null MX: no mail host");

        zone.clearFault("down.example").mx("down.example", 10, "mx.down.example").a("mx.down.example", "192.0.2.8");
        advanceSeconds(MxHostAddresses.RETRY.toSeconds());
        assertTrue(mx.contains("down.example", ip("192.0.2.8")));
    }

    @Test
    void aDomainWithoutMxRecordsIsItsOwnMailHost() throws Exception {
        zone.a("example.net", "192.0.2.30").aaaa("example.net", "2001:db8::30");

        MxHostAddresses mx = of("example.net");

        assertEquals(Set.of(ip("192.0.2.30"), ip("2001:db8::30")), mx.addresses("example.net"));
    }

    @Test
    void aTtlOfZeroIsKeptForTheMinimumRefreshTime() throws Exception {
        zone.ttl(0).mx("example.org", 10, "mx.example.org").a("mx.example.org", "192.0.2.1");
        MxHostAddresses mx = of("example.org");
        dns.resetCounts();

        advanceSeconds(MxHostAddresses.MIN_REFRESH.toSeconds() - 1);
        assertTrue(mx.contains("example.org", ip("192.0.2.1")));
        assertEquals(0, dns.totalQueryCount());
        advanceSeconds(1);
        assertTrue(mx.contains("example.org", ip("192.0.2.1")));
        assertEquals(1, dns.queryCount("example.org", "MX"));
    }
}
