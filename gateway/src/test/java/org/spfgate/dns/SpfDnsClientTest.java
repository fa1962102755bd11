package org.spfgate.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.spfgate.spf.DnsAnswer;
import org.spfgate.spf.DnsAnswer.Status;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;

/** The DNS client against a real DNS server on loopback. */
class SpfDnsClientTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private final TestZone zone = new TestZone();
    private final TestDnsServer dns = TestDnsServer.start(zone);
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final SpfDnsClient client = new SpfDnsClient(List.of(dns.address()), TIMEOUT, 1000,
            (type, outcome, elapsed) -> events.add(type + " " + outcome.name().toLowerCase(Locale.ROOT)), clock::get);

    @AfterEach
    void stopServer() {
        dns.close();
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private void advanceSeconds(double seconds) {
        clock.addAndGet((long) (seconds * 1e9));
    }

    @Test
    void txtRecordsComeBackWithTheirStringsJoinedWithoutASeparator() {
        zone.txt("example.com", "v=spf1 ip4:192.0.2.0/24", " -all").txt("example.com", "other");

        DnsAnswer<String> answer = client.txt("example.com");

        assertEquals(Status.FOUND, answer.status());
        assertEquals(Set.of("v=spf1 ip4:192.0.2.0/24 -all", "other"), Set.copyOf(answer.records()));
        assertEquals(List.of("TXT answer"), events);
    }

    @Test
    void aTxtRecordTooBigForUdpIsFetchedWholeOverTcp() {
        String big = "v=spf1 " + "ip4:192.0.2.1 ".repeat(120) + "-all"; // ~1.7 KB in 7 strings
        zone.txt("big.example.com", big);

        DnsAnswer<String> answer = client.txt("big.example.com");

        assertEquals(List.of(big), answer.records());
        assertEquals(1, dns.tcpQueryCount());
    }

    @Test
    void txtBytesAreDecodedAsUtf8AndNeverUnescaped() {
        zone.txt("odd.example.com", "a\\b\"c".getBytes(StandardCharsets.UTF_8), "é".getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of("a\\b\"cé"), client.txt("odd.example.com").records());
    }

    @Test
    void addressesMxHostsAndPtrNamesComeBackWithoutTrailingDots() throws UnknownHostException {
        zone.a("mx.example.com", "192.0.2.1", "192.0.2.2").aaaa("mx.example.com", "2001:db8::1")
                .mx("example.com", 10, "mx.example.com.").mx("example.com", 20, "mx2.example.com")
                .ptr("192.0.2.1", "mx.example.com").ptr("2001:db8::1", "mx6.example.com");

        assertEquals(Set.of(ip("192.0.2.1"), ip("192.0.2.2")), Set.copyOf(client.addresses("mx.example.com", false).records()));
        assertEquals(List.of(ip("2001:db8::1")), client.addresses("mx.example.com", true).records());
        assertEquals(Set.of("mx.example.com", "mx2.example.com"), Set.copyOf(client.mx("example.com").records()));
        assertEquals(List.of("mx.example.com"), client.ptr(ip("192.0.2.1")).records());
        assertEquals(List.of("mx6.example.com"), client.ptr(ip("2001:db8::1")).records());
    }

    @Test
    void aNameThatDoesNotExistIsNxdomainAndANameWithOtherTypesIsNodata() {
        zone.a("host.example.com", "192.0.2.1");

        assertEquals(Status.NXDOMAIN, client.txt("missing.example.com").status());
        assertEquals(Status.NODATA, client.txt("host.example.com").status());
        assertEquals(Status.NODATA, client.mx("host.example.com").status());
        assertEquals(List.of("TXT nxdomain", "TXT nodata", "MX nodata"), events);
    }

    @Test
    void servfailRefusedAndAGarbageReplyAreErrors() {
        zone.servfail("broken.example.com").fault("refusing.example.com", TestZone.Fault.REFUSED)
                .fault("junk.example.com", TestZone.Fault.GARBAGE);

        DnsAnswer<String> servfail = client.txt("broken.example.com");
        DnsAnswer<String> refused = client.txt("refusing.example.com");
        DnsAnswer<String> garbage = client.txt("junk.example.com");

        assertEquals(Status.ERROR, servfail.status());
        assertTrue(servfail.detail().contains("SERVFAIL"), servfail.detail());
        assertEquals(Status.ERROR, refused.status());
        assertTrue(refused.detail().contains("REFUSED"), refused.detail());
        assertEquals(Status.ERROR, garbage.status());
        assertEquals(List.of("TXT servfail", "TXT error", "TXT error"), events);
    }

    @Test
    void aServerThatNeverAnswersIsAnErrorAfterAboutTheQueryTimeout() {
        zone.timeout("slow.example.com");

        long start = System.nanoTime();
        DnsAnswer<String> answer = client.txt("slow.example.com");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(Status.ERROR, answer.status());
        assertTrue(answer.detail().contains("time-out"), answer.detail());
        // Functional bound, not a benchmark: the lookup must not outlive its time-out by much.
        assertTrue(took.compareTo(TIMEOUT.multipliedBy(4)) < 0, "took " + took);
        assertTrue(took.compareTo(TIMEOUT.minusMillis(50)) >= 0, "took " + took);
        assertEquals(List.of("TXT timeout"), events);
    }

    @Test
    void aServerPortWithNobodyListeningIsAnErrorThatSaysSoInWords() {
        TestDnsServer gone = TestDnsServer.start(new TestZone());
        InetSocketAddress closed = gone.address();
        gone.close();
        SpfDnsClient toNobody = new SpfDnsClient(List.of(closed), TIMEOUT, 1000,
                (type, outcome, elapsed) -> events.add(type + " " + outcome.name().toLowerCase(Locale.ROOT)), clock::get);

        DnsAnswer<String> answer = toNobody.txt("sender.test");

        assertEquals(Status.ERROR, answer.status());
        // ICMP port unreachable arrives as an exception without a message: never "null".
        assertEquals("DNS error: sender.test. TXT: connection refused", answer.detail());
        assertEquals(List.of("TXT error"), events);
    }

    @Test
    void aSecondLookupIsAnsweredFromTheCacheWithoutAQuery() {
        zone.txt("example.com", "v=spf1 -all");

        client.txt("example.com");
        DnsAnswer<String> again = client.txt("EXAMPLE.com.");

        assertEquals(List.of("v=spf1 -all"), again.records());
        assertEquals(1, dns.queryCount("example.com", "TXT"));
        assertEquals(List.of("TXT answer"), events, "a cache hit is not a query: the listener hears nothing");
    }

    @Test
    void nxdomainAndNodataAreCachedForTheNegativeTtl() {
        zone.negativeTtl(60).a("host.example.com", "192.0.2.1");

        client.txt("missing.example.com");
        client.txt("host.example.com");
        zone.txt("missing.example.com", "v=spf1 -all").txt("host.example.com", "v=spf1 -all");
        assertEquals(Status.NXDOMAIN, client.txt("missing.example.com").status());
        assertEquals(Status.NODATA, client.txt("host.example.com").status());
        assertEquals(1, dns.queryCount("missing.example.com", "TXT"));
        assertEquals(1, dns.queryCount("host.example.com", "TXT"));

        advanceSeconds(61);
        assertEquals(Status.FOUND, client.txt("missing.example.com").status());
        assertEquals(Status.FOUND, client.txt("host.example.com").status());
        assertEquals(2, dns.queryCount("missing.example.com", "TXT"));
    }

    @Test
    void aNameThatJavaLowerCasesIntoAnotherNameDoesNotShareItsCacheEntry() {
        zone.negativeTtl(60).txt("k.example.com", "v=spf1 -all");

        // U+212A KELVIN SIGN lower-cases to an ASCII k in Java; DNS folds ASCII case only (RFC 4343),
        // so a macro-expanded local part must not fill the cache entry of k.example.com.
        assertEquals(Status.NXDOMAIN, client.txt("\u212A.example.com").status());
        assertEquals(List.of("v=spf1 -all"), client.txt("k.example.com").records());
        assertEquals(List.of("v=spf1 -all"), client.txt("K.EXAMPLE.com").records());
        assertEquals(1, dns.queryCount("k.example.com", "TXT"));
    }

    @Test
    void anAnswerIsAskedAgainOnceItsTtlHasPassed() {
        zone.ttl(2).a("short.example.com", "192.0.2.1");

        client.addresses("short.example.com", false);
        advanceSeconds(1.5);
        client.addresses("short.example.com", false);
        assertEquals(1, dns.queryCount("short.example.com", "A"));

        zone.remove("short.example.com").a("short.example.com", "192.0.2.2");
        advanceSeconds(1);
        DnsAnswer<InetAddress> fresh = client.addresses("short.example.com", false);

        assertEquals(2, dns.queryCount("short.example.com", "A"));
        assertEquals("192.0.2.2", fresh.records().get(0).getHostAddress());
    }

    @Test
    void anAnswerWithTtlZeroAndErrorsAreNeverCached() {
        zone.ttl(0).a("zero.example.com", "192.0.2.1").servfail("broken.example.com");

        client.addresses("zero.example.com", false);
        client.addresses("zero.example.com", false);
        client.txt("broken.example.com");
        zone.clearFault("broken.example.com").ttl(300).txt("broken.example.com", "v=spf1 -all");

        assertEquals(Status.FOUND, client.txt("broken.example.com").status());
        assertEquals(2, dns.queryCount("zero.example.com", "A"));
        assertEquals(2, dns.queryCount("broken.example.com", "TXT"));
    }

    @Test
    void theCacheKeepsNoMoreEntriesThanItsBound() {
        SpfDnsClient small = new SpfDnsClient(List.of(dns.address()), TIMEOUT, 10, DnsQueryListener.NONE, clock::get);
        for (int i = 0; i < 40; i++) {
            zone.a("h" + i + ".example.com", "192.0.2." + i);
            small.addresses("h" + i + ".example.com", false);
        }

        assertTrue(small.cacheSize() <= 10, "cache size " + small.cacheSize());
        assertTrue(small.cacheSize() > 0);
    }

    @Test
    void cnamesAreFollowedAndALoopIsAnError() throws UnknownHostException {
        zone.cname("alias.example.com", "host.example.com").a("host.example.com", "192.0.2.7")
                .cname("loop1.example.com", "loop2.example.com").cname("loop2.example.com", "loop1.example.com")
                .cname("dangling.example.com", "nowhere.example.com");

        assertEquals(List.of(ip("192.0.2.7")), client.addresses("alias.example.com", false).records());
        assertEquals(Status.ERROR, client.addresses("loop1.example.com", false).status());
        assertEquals(Status.NXDOMAIN, client.addresses("dangling.example.com", false).status());
        assertEquals(Status.NODATA, client.txt("alias.example.com").status());
    }

    @Test
    void aNameDnsCannotHoldIsNxdomainWithoutAQuery() {
        DnsAnswer<String> answer = client.txt("a".repeat(64) + ".example.com");

        assertEquals(Status.NXDOMAIN, answer.status());
        assertEquals(0, dns.totalQueryCount());
    }

    @Test
    void namesAreSentLiterallyAsUtf8LabelsWithoutZoneFileEscapes() {
        zone.txt("a\\b.example.com", "backslash").txt("café.example.com", "utf-8").txt("ab.example.com", "ab");

        assertEquals(List.of("backslash"), client.txt("a\\b.example.com").records());
        assertEquals(List.of("utf-8"), client.txt("CAFé.example.com").records());
        // Read as a zone-file escape, \098 would be "b" and find ab.example.com.
        assertEquals(Status.NXDOMAIN, client.txt("a\\098.example.com").status());
        assertEquals(3, dns.totalQueryCount());
    }

    @Test
    void aNameWithAnEmptyLabelIsNxdomainWithoutAQuery() {
        assertEquals(Status.NXDOMAIN, client.txt("a..example.com").status());
        assertEquals(Status.NXDOMAIN, client.txt(".").status());
        assertEquals(0, dns.totalQueryCount());
    }

    @Test
    void aListenerThatThrowsDoesNotFailTheLookup() {
        zone.txt("example.com", "v=spf1 -all");
        SpfDnsClient withBrokenMetrics = new SpfDnsClient(List.of(dns.address()), TIMEOUT, 10,
                (type, outcome, elapsed) -> {
                    throw new IllegalStateException("metrics down");
                });

        assertEquals(List.of("v=spf1 -all"), withBrokenMetrics.txt("example.com").records());
        assertEquals(List.of("v=spf1 -all"), withBrokenMetrics.txt("example.com").records());
    }

    @Test
    void aNullMxIsAnAnswerNamingTheEmptyHostNotAVoidLookup() {
        zone.mx("nomail.example.com", 0, ".");

        DnsAnswer<String> answer = client.mx("nomail.example.com");

        assertEquals(Status.FOUND, answer.status());
        assertEquals(List.of(""), answer.records());
    }

    @Test
    void anIpv4MappedAaaaAnswerStaysAnIpv6Address() {
        zone.aaaa("mapped.example.com", "::ffff:192.0.2.1");

        InetAddress address = client.addresses("mapped.example.com", true).records().get(0);

        assertTrue(address instanceof java.net.Inet6Address, address.toString());
        assertEquals(16, address.getAddress().length);
    }

    @Test
    void noQueryOfTypeSpfIsEverSent() throws UnknownHostException {
        zone.spf("example.com", "v=spf1 -all").a("example.com", "192.0.2.1");

        client.txt("example.com");
        client.addresses("example.com", false);
        client.addresses("example.com", true);
        client.mx("example.com");
        client.ptr(ip("192.0.2.1"));

        assertEquals(5, dns.totalQueryCount());
        assertEquals(0, dns.queryCount("SPF"));
    }

    @Test
    void whenTheFirstServerIsSilentTheNextOneAnswers() {
        TestZone silent = new TestZone().timeout("example.com");
        zone.txt("example.com", "v=spf1 -all");
        try (TestDnsServer first = TestDnsServer.start(silent)) {
            List<InetSocketAddress> servers = List.of(first.address(), dns.address());
            SpfDnsClient twoServers = new SpfDnsClient(servers, Duration.ofSeconds(2));

            DnsAnswer<String> answer = twoServers.txt("example.com");

            assertEquals(List.of("v=spf1 -all"), answer.records());
            assertEquals(1, first.queryCount("example.com", "TXT"));
            assertEquals(1, dns.queryCount("example.com", "TXT"));
        }
    }
}
