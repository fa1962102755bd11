package org.spfgate.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spfgate.spf.suite.InMemoryZoneDns;

/** check_host() behaviour beyond the suite: verdict contents, identities, limits, deadline. */
class SpfCheckerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void failCarriesTheDefaultExplanationNamingDomainAndIpAndTheDecidingTerm() throws Exception {
        InMemoryZoneDns dns = new TestZone().txt("example.com", "v=spf1 ip4:198.51.100.0/24 -all").dns();
        SpfVerdict v = checker(dns).checkMailFrom(ip("192.0.2.1"), "alice@example.com", "mail.example.com");
        assertEquals(SpfResult.FAIL, v.result());
        assertEquals("example.com does not designate 192.0.2.1 as permitted sender", v.explanation());
        assertEquals("-all", v.decidedBy());
        assertEquals(0, v.lookups());
        assertEquals("alice@example.com", v.sender());
        assertEquals("example.com", v.domain());
        assertEquals(SpfIdentity.MAILFROM, v.identity());
    }

    @Test
    void aPassThroughAnIncludeIsDecidedByTheIncludeTermAndCountsItsLookups() throws Exception {
        InMemoryZoneDns dns = new TestZone()
                .txt("example.com", "v=spf1 a include:_spf.example.com -all")
                .a("example.com", "203.0.113.9")
                .txt("_spf.example.com", "v=spf1 ip4:192.0.2.0/24 -all").dns();
        SpfVerdict v = checker(dns).checkMailFrom(ip("192.0.2.1"), "alice@example.com", "mail.example.com");
        assertEquals(SpfResult.PASS, v.result());
        assertEquals("include:_spf.example.com", v.decidedBy());
        assertEquals(2, v.lookups());
        assertEquals("example.com designates 192.0.2.1 as permitted sender", v.explanation());
    }

    @Test
    void theExpTextOfTheDomainIsExpandedWithExplanationMacros() throws Exception {
        InMemoryZoneDns dns = new TestZone()
                .txt("example.com", "v=spf1 -all exp=why.%{d}")
                .txt("why.example.com", "%{l} may not send from %{c} (asked %{r}, see ", "https://example.com/spf?s=%{S})").dns();
        SpfVerdict v = checker(dns).checkMailFrom(ip("2001:db8::1"), "bob+x@example.com", "h.example.com");
        assertEquals("bob+x may not send from 2001:db8::1 (asked mx.example.org, see "
                + "https://example.com/spf?s=bob%2Bx%40example.com)", v.explanation());
    }

    @Test
    void anExpTextThatIsEmptyOrAllSpacesGivesTheDefaultExplanation() throws Exception {
        InMemoryZoneDns dns = new TestZone()
                .txt("example.com", "v=spf1 -all exp=empty.example.com")
                .txt("empty.example.com", "")
                .txt("spaces.example.com", "v=spf1 -all exp=blank.example.com")
                .txt("blank.example.com", "%_ %_").dns();
        SpfVerdict empty = checker(dns).checkMailFrom(ip("192.0.2.1"), "a@example.com", "h.example.com");
        assertEquals(SpfResult.FAIL, empty.result());
        assertEquals("example.com does not designate 192.0.2.1 as permitted sender", empty.explanation());
        SpfVerdict blank = checker(dns).checkMailFrom(ip("192.0.2.1"), "a@spaces.example.com", "h.example.com");
        assertEquals("spaces.example.com does not designate 192.0.2.1 as permitted sender", blank.explanation());
    }

    @Test
    void aRedirectTakesTheTargetsExpAndNotTheOriginals() throws Exception {
        InMemoryZoneDns dns = new TestZone()
                .txt("example.com", "v=spf1 redirect=_spf.example.net exp=mine.example.com")
                .txt("mine.example.com", "from the original")
                .txt("_spf.example.net", "v=spf1 ~all -all exp=theirs.example.net")
                .txt("_spf.example.net", "unrelated")
                .txt("theirs.example.net", "from the target %{d}").dns();
        SpfVerdict softfail = checker(dns).checkMailFrom(ip("192.0.2.1"), "a@example.com", "h.example.com");
        assertEquals(SpfResult.SOFTFAIL, softfail.result());
        assertEquals("~all", softfail.decidedBy());
        assertEquals(1, softfail.lookups());

        InMemoryZoneDns failing = new TestZone()
                .txt("example.com", "v=spf1 redirect=_spf.example.net exp=mine.example.com")
                .txt("mine.example.com", "from the original")
                .txt("_spf.example.net", "v=spf1 -all exp=theirs.example.net")
                .txt("theirs.example.net", "from the target %{d}").dns();
        assertEquals("from the target _spf.example.net",
                checker(failing).checkMailFrom(ip("192.0.2.1"), "a@example.com", "h.example.com").explanation());
    }

    @Test
    void thePMacroIsAForwardConfirmedPtrNamePreferringTheDomainOrUnknown() throws Exception {
        TestZone zone = new TestZone()
                .txt("example.com", "v=spf1 -all exp=why.example.com")
                .txt("why.example.com", "%{p}")
                .ptr("1.2.0.192.in-addr.arpa", "other.example.net", "fake.example.com", "mail.example.com")
                .a("other.example.net", "192.0.2.1")
                .a("fake.example.com", "203.0.113.1")
                .a("mail.example.com", "192.0.2.1");
        assertEquals("mail.example.com",
                checker(zone.dns()).checkMailFrom(ip("192.0.2.1"), "a@example.com", "h").explanation());
        assertEquals("unknown",
                checker(zone.dns()).checkMailFrom(ip("192.0.2.9"), "a@example.com", "h").explanation());
    }

    @Test
    void theNullSenderIsCheckedAsPostmasterAtTheHeloName() throws Exception {
        InMemoryZoneDns dns = new TestZone().txt("mail.example.com", "v=spf1 a -all")
                .a("mail.example.com", "192.0.2.1").dns();
        SpfVerdict v = checker(dns).checkMailFrom(ip("192.0.2.1"), "", "mail.example.com");
        assertEquals(SpfResult.PASS, v.result());
        assertEquals("postmaster@mail.example.com", v.sender());
        assertEquals("mail.example.com", v.domain());
        assertEquals(SpfIdentity.MAILFROM, v.identity());
    }

    @Test
    void aSenderWithoutAtIsPostmasterAtThatDomain() throws Exception {
        InMemoryZoneDns dns = new TestZone().txt("example.com", "v=spf1 -all exp=e.example.com")
                .txt("e.example.com", "%{s} %{l} %{o}").dns();
        SpfVerdict v = checker(dns).checkMailFrom(ip("192.0.2.1"), "example.com", "h.example.com");
        assertEquals("postmaster@example.com", v.sender());
        assertEquals("postmaster@example.com postmaster example.com", v.explanation());
    }

    @Test
    void theHeloIdentityChecksTheHeloNameAsPostmaster() throws Exception {
        InMemoryZoneDns dns = new TestZone().txt("mail.example.com", "v=spf1 -all").dns();
        SpfVerdict v = checker(dns).checkHelo(ip("192.0.2.1"), "mail.example.com");
        assertEquals(SpfResult.FAIL, v.result());
        assertEquals(SpfIdentity.HELO, v.identity());
        assertEquals("postmaster@mail.example.com", v.sender());
    }

    @Test
    void anIpv4MappedIpv6ClientIsJudgedAsIpv4() throws Exception {
        InMemoryZoneDns dns = new TestZone().txt("example.com", "v=spf1 ip6:::/0 ip4:192.0.2.0/24 -all").dns();
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, (byte) 192, 0, 2, 7};
        InetAddress client = Inet6Address.getByAddress(null, mapped, -1);
        SpfVerdict v = checker(dns).checkMailFrom(client, "a@example.com", "h.example.com");
        assertEquals(SpfResult.PASS, v.result());
        assertEquals("ip4:192.0.2.0/24", v.decidedBy());
        assertInstanceOf(Inet4Address.class, v.clientIp());
    }

    @Test
    void anInternationalizedSenderDomainIsEvaluatedInItsALabelForm() throws Exception {
        // RFC 8616 3: an SMTPUTF8 sender's U-label domain is looked up as its A-label; otherwise
        // a forger escapes the domain's -all by writing its name in Unicode.
        InMemoryZoneDns dns = new TestZone()
                .txt("xn--bcher-kva.example", "v=spf1 ip4:198.51.100.0/24 exists:%{o}.%{d}.seen.example -all").dns();
        SpfVerdict v = checker(dns).checkMailFrom(ip("192.0.2.1"), "jörg@bücher.example", "h.example.com");
        assertEquals(SpfResult.FAIL, v.result());
        assertEquals("-all", v.decidedBy());
        assertEquals("xn--bcher-kva.example", v.domain());
        assertEquals("jörg@bücher.example", v.sender());
        assertTrue(dns.queries().contains("A xn--bcher-kva.example.xn--bcher-kva.example.seen.example"),
                dns.queries().toString());

        SpfVerdict helo = checker(dns).checkHelo(ip("192.0.2.1"), "BÜCHER.example");
        assertEquals(SpfResult.FAIL, helo.result());
    }

    @Test
    void aDomainWithAnIdna2008DeviationCharacterIsNeverEvaluatedAsItsIdna2003Mapping() throws Exception {
        // IDNA2003 (java.net.IDN) maps ß to ss: straße.example would be judged by strasse.example,
        // someone else's domain, whose +all must not vouch for it.
        InMemoryZoneDns dns = new TestZone().txt("strasse.example", "v=spf1 +all")
                .txt("xn--strae-oqa.example", "v=spf1 +all").dns();
        for (String domain : List.of("straße.example", "STRAẞE.example", "a\u200db.example", "ας.example")) {
            SpfVerdict v = checker(dns).checkMailFrom(ip("192.0.2.1"), "a@" + domain, "h.example.com");
            assertEquals(SpfResult.NONE, v.result(), domain);
        }
        assertEquals(List.of(), dns.queries());
    }

    @Test
    void aUnicodeDomainWithoutAnALabelFormIsNoneWithoutAnyDnsQuestion() throws Exception {
        InMemoryZoneDns dns = new TestZone().dns();
        SpfVerdict v = checker(dns).checkMailFrom(ip("192.0.2.1"), "a@b\u0007ü.example", "h.example.com");
        assertEquals(SpfResult.NONE, v.result());
        assertEquals(List.of(), dns.queries());
    }

    @Test
    void trailingDotsAndLetterCaseMakeNoDifference() throws Exception {
        InMemoryZoneDns dns = new TestZone().txt("example.com", "V=SPF1 A:Mail.Example.COM. -ALL")
                .a("mail.example.com", "192.0.2.1").dns();
        SpfVerdict v = checker(dns).checkMailFrom(ip("192.0.2.1"), "Alice@EXAMPLE.com.", "h.example.com");
        assertEquals(SpfResult.PASS, v.result());
        assertEquals("EXAMPLE.com", v.domain());
    }

    @Test
    void aDnsErrorIsATemperrorSayingWhichQuestionFailed() throws Exception {
        InMemoryZoneDns dns = new TestZone().txt("example.com", "v=spf1 a:broken.example.com -all")
                .timeout("broken.example.com").dns();
        SpfVerdict v = checker(dns).checkMailFrom(ip("192.0.2.1"), "a@example.com", "h.example.com");
        assertEquals(SpfResult.TEMPERROR, v.result());
        assertEquals("temperror: DNS error looking up A broken.example.com for 'a:broken.example.com': "
                + "time-out at broken.example.com", v.explanation());
        assertNull(v.decidedBy());
    }

    @Test
    void twoSpfRecordsAreAPermerror() throws Exception {
        InMemoryZoneDns dns = new TestZone().txt("example.com", "v=spf1 -all").txt("example.com", "v=spf1 -all")
                .txt("example.com", "google-site-verification=x").dns();
        SpfVerdict v = checker(dns).checkMailFrom(ip("192.0.2.1"), "a@example.com", "h.example.com");
        assertEquals(SpfResult.PERMERROR, v.result());
        assertEquals("permerror: example.com publishes more than one SPF record", v.explanation());
    }

    @Test
    void aSyntaxErrorIsAPermerrorSayingTermAndDomain() throws Exception {
        InMemoryZoneDns dns = new TestZone().txt("example.com", "v=spf1 a mx foo -all").dns();
        SpfVerdict v = checker(dns).checkMailFrom(ip("192.0.2.1"), "a@example.com", "h.example.com");
        assertEquals(SpfResult.PERMERROR, v.result());
        assertEquals("permerror: unknown mechanism 'foo' at term 3 of example.com", v.explanation());
        assertEquals(List.of("TXT example.com"), dns.queries(), "nothing of a broken record is evaluated");
    }

    @Test
    void noRecordAndNoDomainAreBothNone() throws Exception {
        InMemoryZoneDns dns = new TestZone().txt("example.com", "some other text").dns();
        assertEquals(SpfResult.NONE, checker(dns).checkMailFrom(ip("192.0.2.1"), "a@example.com", "h").result());
        assertEquals(SpfResult.NONE, checker(dns).checkMailFrom(ip("192.0.2.1"), "a@nowhere.example", "h").result());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a@label-of-64-characters-is-one-too-long-xxxxxxxxxxxxxxxxxxxxxxxxx.example.com",
        "a@empty..label.example.com",
        "a@localhost",
        "a@[192.0.2.1]",
        "a@.example.com",
    })
    void invalidDomainsAreNoneWithoutAnyDnsQuestion(String sender) throws Exception {
        InMemoryZoneDns dns = new TestZone().dns();
        SpfVerdict v = checker(dns).checkMailFrom(ip("192.0.2.1"), sender, "h.example.com");
        assertEquals(SpfResult.NONE, v.result());
        assertEquals(List.of(), dns.queries());
    }

    @Test
    void aDomainLongerThan253CharactersIsNone() throws Exception {
        String label = "a".repeat(63);
        String domain = String.join(".", label, label, label, label) + ".com"; // 259 characters
        InMemoryZoneDns dns = new TestZone().dns();
        assertEquals(SpfResult.NONE, checker(dns).checkMailFrom(ip("192.0.2.1"), "x@" + domain, "h").result());
        assertEquals(List.of(), dns.queries());
    }

    @Test
    void tenDnsTermsAreAllowedAndTheEleventhIsAPermerror() throws Exception {
        TestZone zone = new TestZone();
        StringBuilder ten = new StringBuilder("v=spf1");
        for (int i = 1; i <= 10; i++) {
            ten.append(" a:h").append(i).append(".example.com");
            zone.a("h" + i + ".example.com", "203.0.113." + i);
        }
        zone.txt("ten.example.com", ten + " -all").txt("eleven.example.com", ten + " a:h1.example.com -all");
        InMemoryZoneDns dns = zone.dns();
        SpfVerdict atLimit = checker(dns).checkMailFrom(ip("192.0.2.1"), "a@ten.example.com", "h");
        assertEquals(SpfResult.FAIL, atLimit.result());
        assertEquals(10, atLimit.lookups());
        SpfVerdict over = checker(dns).checkMailFrom(ip("192.0.2.1"), "a@eleven.example.com", "h");
        assertEquals(SpfResult.PERMERROR, over.result());
        assertEquals("permerror: more than 10 DNS-querying terms (at eleven.example.com)", over.explanation());
        assertEquals(10, over.lookups());
    }

    @Test
    void theThirdVoidLookupIsAPermerror() throws Exception {
        InMemoryZoneDns dns = new TestZone()
                .txt("two.example.com", "v=spf1 a:n1.example.com mx:n2.example.com -all")
                .txt("three.example.com", "v=spf1 a:n1.example.com mx:n2.example.com exists:n3.example.com -all")
                .dns();
        assertEquals(SpfResult.FAIL, checker(dns).checkMailFrom(ip("192.0.2.1"), "a@two.example.com", "h").result());
        SpfVerdict v = checker(dns).checkMailFrom(ip("192.0.2.1"), "a@three.example.com", "h");
        assertEquals(SpfResult.PERMERROR, v.result());
        assertEquals("permerror: more than 2 void DNS lookups (at 'exists:n3.example.com' of three.example.com)",
                v.explanation());
    }

    @Test
    void moreThanTenMxNamesAreAPermerror() throws Exception {
        TestZone zone = new TestZone().txt("example.com", "v=spf1 mx -all");
        String[] hosts = new String[11];
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = "mx" + i + ".example.com";
        }
        zone.mx("example.com", hosts);
        SpfVerdict v = checker(zone.dns()).checkMailFrom(ip("192.0.2.1"), "a@example.com", "h");
        assertEquals(SpfResult.PERMERROR, v.result());
        assertEquals("permerror: 'mx' of example.com finds 11 MX names, over the limit of 10", v.explanation());
    }

    @Test
    void onlyTheFirstTenPtrNamesAreTried() throws Exception {
        TestZone zone = new TestZone().txt("example.com", "v=spf1 ptr -all");
        String[] names = new String[11];
        for (int i = 0; i < names.length; i++) {
            names[i] = "h" + i + ".example.com";
        }
        zone.ptr("1.2.0.192.in-addr.arpa", names).a("h10.example.com", "192.0.2.1");
        assertEquals(SpfResult.FAIL, checker(zone.dns()).checkMailFrom(ip("192.0.2.1"), "a@example.com", "h").result());
        zone.a("h9.example.com", "192.0.2.1");
        assertEquals(SpfResult.PASS, checker(zone.dns()).checkMailFrom(ip("192.0.2.1"), "a@example.com", "h").result());
    }

    @Test
    void passingTheDeadlineIsATemperror() throws Exception {
        InMemoryZoneDns zone = new TestZone().txt("example.com", "v=spf1 a:slow.example.com -all")
                .a("slow.example.com", "203.0.113.1").dns();
        SpfDns slow = new SpfDns() {
            @Override
            public DnsAnswer<String> txt(String name) {
                sleep();
                return zone.txt(name);
            }

            @Override
            public DnsAnswer<InetAddress> addresses(String name, boolean ipv6) {
                return zone.addresses(name, ipv6);
            }

            @Override
            public DnsAnswer<String> mx(String name) {
                return zone.mx(name);
            }

            @Override
            public DnsAnswer<String> ptr(InetAddress ip) {
                return zone.ptr(ip);
            }

            private void sleep() {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        SpfVerdict v = new SpfChecker(slow, "mx.example.org", Duration.ofMillis(10))
                .checkMailFrom(ip("192.0.2.1"), "a@example.com", "h");
        assertEquals(SpfResult.TEMPERROR, v.result());
        assertEquals("temperror: SPF evaluation took longer than its time limit", v.explanation());
    }

    @Test
    void oneCheckerServesManyThreadsAtOnce() throws Exception {
        InMemoryZoneDns dns = new TestZone()
                .txt("example.com", "v=spf1 include:_spf.example.com exists:%{ir}.bl.example.com ~all")
                .txt("_spf.example.com", "v=spf1 ip4:192.0.2.0/25 -all")
                .a("200.2.0.192.bl.example.com", "127.0.0.2").quietDns();
        SpfChecker checker = checker(dns);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        int last = i % 256;
                        SpfResult r = checker.checkMailFrom(ip("192.0.2." + last), "a@example.com", "h").result();
                        SpfResult expected = last < 128 || last == 200 ? SpfResult.PASS : SpfResult.SOFTFAIL;
                        if (r != expected) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static SpfChecker checker(SpfDns dns) {
        return new SpfChecker(dns, "mx.example.org", TIMEOUT);
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }
}
