package org.spfgate.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.spfgate.spf.suite.InMemoryZoneDns;
import org.spfgate.spf.suite.SuiteLoader;
import org.spfgate.spf.suite.SuiteScenario;

/** {@code check --lint}'s findings: one test per warning code, and silence for clean records. */
class RecordLintTest {

    private static List<RecordLint.Warning> lint(TestZone zone, String domain) {
        return new RecordLint(zone.dns()).check(domain);
    }

    private static List<String> codes(List<RecordLint.Warning> warnings) {
        return warnings.stream().map(RecordLint.Warning::code).toList();
    }

    @Test
    void ptrIsReportedWithWhatToUseInstead() {
        List<RecordLint.Warning> w = lint(new TestZone().txt("example.com", "v=spf1 ptr:example.com -all"), "example.com");
        assertEquals(List.of("ptr-mechanism: 'ptr:example.com' in the record of example.com is slow, unreliable and"
                + " ignored by some receivers (SHOULD NOT be used): list the sending hosts with ip4, ip6 or a"
                + " (RFC 7208 5.5)"), w.stream().map(Object::toString).toList());
    }

    @Test
    void plusAllIsReported() {
        List<RecordLint.Warning> w = lint(new TestZone().txt("example.com", "v=spf1 ip4:192.0.2.0/24 +all"), "example.com");
        assertOnly(w, RecordLint.PASS_ALL, "RFC 7208 5.1",
                "'+all' in the record of example.com lets every host on the internet pass as example.com:"
                + " end the record with -all or ~all");
        // a bare "all" has the default qualifier, "+"
        assertEquals(List.of(RecordLint.PASS_ALL), codes(lint(new TestZone().txt("e.example", "v=spf1 all"), "e.example")));
    }

    @Test
    void questionMarkAllIsReported() {
        List<RecordLint.Warning> w = lint(new TestZone().txt("example.com", "v=spf1 ip4:192.0.2.0/24 ?all"), "example.com");
        assertEquals(List.of(RecordLint.NEUTRAL_ALL), codes(w));
        assertEquals("RFC 7208 5.1", w.get(0).rfc());
    }

    @Test
    void moreThanTenDnsQueryingTermsReachableThroughIncludesAreReportedWithTheirCount() {
        TestZone zone = new TestZone().txt("example.com",
                "v=spf1 include:a.example.com include:b.example.com include:c.example.com include:d.example.com -all");
        for (String part : List.of("a", "b", "c", "d")) {
            String host = "h." + part + ".example.com";
            zone.txt(part + ".example.com", "v=spf1 a:" + host + " a:" + host + " a:" + host + " ~all").a(host, "192.0.2.1");
        }
        List<RecordLint.Warning> w = lint(zone, "example.com");
        assertOnly(w, RecordLint.TOO_MANY_LOOKUPS, "RFC 7208 4.6.4",
                "16 DNS-querying terms (a, mx, ptr, exists, include, redirect) are reachable from example.com"
                + " through its includes and redirects; a client that matches none of the first 10 gets permerror:"
                + " replace a and mx with ip4/ip6, or flatten includes");
    }

    @Test
    void exactlyTenDnsQueryingTermsAreFine() {
        String terms = IntStream.range(0, 10).mapToObj(i -> "a:h.example.com").collect(Collectors.joining(" "));
        TestZone zone = new TestZone().txt("example.com", "v=spf1 " + terms + " -all").a("h.example.com", "192.0.2.1");
        assertEquals(List.of(), lint(zone, "example.com"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "v=spf1 a:gone.example.com -all | 'a:gone.example.com' in the record of example.com: gone.example.com has no A or AAAA record",
            "v=spf1 mx:gone.example.com -all | 'mx:gone.example.com' in the record of example.com: gone.example.com has no MX record",
            "v=spf1 exists:gone.example.com -all | 'exists:gone.example.com' in the record of example.com: gone.example.com has no A record",
            "v=spf1 a -all | 'a' in the record of example.com: example.com has no A or AAAA record"})
    void aMechanismWhoseLookupFindsNothingIsAVoidLookup(String record, String what) {
        List<RecordLint.Warning> w = lint(new TestZone().txt("example.com", record), "example.com");
        assertOnly(w, RecordLint.VOID_LOOKUP, "RFC 7208 4.6.4",
                what + "; each such lookup counts towards the limit of 2 (more is a permerror): remove the term"
                + " or publish the record");
    }

    @Test
    void anAMechanismWithOnlyAnIpv6AddressIsNotVoid() {
        assertEquals(List.of(), lint(new TestZone().txt("example.com", "v=spf1 a:v6.example.com -all")
                .aaaa("v6.example.com", "2001:db8::1"), "example.com"));
    }

    @Test
    void anIncludeOfADomainWithoutRecordIsReported() {
        TestZone zone = new TestZone().txt("example.com", "v=spf1 include:_spf.example.net -all")
                .txt("_spf.example.net", "google-site-verification=abc");
        List<RecordLint.Warning> w = lint(zone, "example.com");
        assertOnly(w, RecordLint.INCLUDE_WITHOUT_RECORD, "RFC 7208 5.2",
                "'include:_spf.example.net' of example.com names a domain without an SPF record, a permerror"
                + " for every client that reaches it: remove the include, or publish a record at _spf.example.net");
    }

    @Test
    void aRedirectToADomainWithoutRecordIsReported() {
        List<RecordLint.Warning> w = lint(new TestZone().txt("example.com", "v=spf1 redirect=_spf.example.net"), "example.com");
        assertEquals(List.of(RecordLint.REDIRECT_WITHOUT_RECORD), codes(w));
        assertEquals("RFC 7208 6.1", w.get(0).rfc());
    }

    @Test
    void aRecordLongerThanOneStringIsReportedWithItsLength() {
        String record = longRecord(300);
        List<RecordLint.Warning> w = lint(new TestZone().txt("example.com", record.substring(0, 255), record.substring(255)),
                "example.com");
        assertOnly(w, RecordLint.LONG_STRING, "RFC 7208 3.3",
                "the record of example.com is 300 bytes, more than one TXT string holds (255): it must be"
                + " published as several strings, which zone tools and receivers get wrong; shorten it, e.g. by"
                + " moving terms into an include");
    }

    @Test
    void aTxtAnswerOverFiveHundredTwelveBytesIsReported() {
        // the record fits one string, but with the other TXT records of the name the answer does not fit UDP
        TestZone zone = new TestZone().txt("example.com", longRecord(250))
                .txt("example.com", "google-site-verification=" + "x".repeat(200));
        List<RecordLint.Warning> w = lint(zone, "example.com");
        // 12 header + 13 name + 4 question + (12 + 251) + (12 + 226)
        assertOnly(w, RecordLint.LONG_ANSWER, "RFC 7208 3.4",
                "the TXT answer for example.com is about 530 bytes, over the 512 of a DNS reply over UDP:"
                + " receivers must retry over TCP and some give up; shorten the record or move other TXT records of"
                + " example.com elsewhere");
    }

    @Test
    void severalRecordsAreReported() {
        TestZone zone = new TestZone().txt("example.com", "v=spf1 -all").txt("example.com", "v=spf1 ip4:192.0.2.1 -all");
        List<RecordLint.Warning> w = lint(zone, "example.com");
        assertOnly(w, RecordLint.SEVERAL_RECORDS, "RFC 7208 4.5",
                "example.com publishes 2 v=spf1 records, which is a permerror for every client: merge them into one");
    }

    @Test
    void aSenderIdRecordIsReported() {
        TestZone zone = new TestZone().txt("example.com", "v=spf1 -all").txt("example.com", "spf2.0/mfrom,pra -all");
        List<RecordLint.Warning> w = lint(zone, "example.com");
        assertOnly(w, RecordLint.SPF2_RECORD, "RFC 6686",
                "example.com publishes a Sender ID record (spf2.0/mfrom,pra -all); no receiver uses Sender ID"
                + " any more and some misapply it: remove it");
    }

    @Test
    void findingsInIncludedRecordsAreReportedToo() {
        TestZone zone = new TestZone().txt("example.com", "v=spf1 include:_spf.example.com -all")
                .txt("_spf.example.com", "v=spf1 ptr ?all");
        assertEquals(List.of(RecordLint.PTR, RecordLint.NEUTRAL_ALL), codes(lint(zone, "example.com")));
    }

    @Test
    void anIncludeLoopEndsTheWalk() {
        TestZone zone = new TestZone().txt("example.com", "v=spf1 include:example.net -all")
                .txt("example.net", "v=spf1 include:example.com -all");
        assertEquals(List.of(), lint(zone, "example.com"));
    }

    /** Valid records of the RFC 7208 test suite that nobody should be warned about. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Initial processing | example.net",
            "Record lookup | txtonly.example.net",
            "Selecting records | example4.com",
            "Include mechanism semantics and syntax | e1.example.com",
            "Semantics of exp and other modifiers | e7.example.com",
            "Semantics of exp and other modifiers | testimplicit.example.com",
            "A mechanism syntax | ipv6.example.com",
            "MX mechanism syntax | mail.example.com",
            "IP4 mechanism syntax | e2.example.com"})
    void cleanRecordsOfTheRfc7208SuiteGiveNoWarning(String scenario, String domain) {
        SuiteScenario s = SuiteLoader.loadRfc7208().stream().filter(x -> x.description().equals(scenario))
                .findFirst().orElseThrow();
        InMemoryZoneDns dns = new InMemoryZoneDns(s.zone());
        assertEquals(1, dns.txt(domain).records().stream().filter(t -> t.startsWith("v=spf1")).count(),
                "the suite's " + domain + " has one record");
        assertEquals(List.of(), new RecordLint(dns).check(domain));
    }

    /** {@code w} is one warning: this code, section and text. */
    private static void assertOnly(List<RecordLint.Warning> w, String code, String rfc, String text) {
        assertEquals(List.of(code), codes(w));
        assertEquals(text, w.get(0).text());
        assertEquals(rfc, w.get(0).rfc());
    }

    /** A valid record of exactly {@code length} bytes. */
    private static String longRecord(int length) {
        StringBuilder b = new StringBuilder("v=spf1");
        int i = 0;
        while (b.length() + " ip4:192.0.2.100 -all".length() <= length) {
            b.append(" ip4:192.0.2.").append(100 + (i++ % 100));
        }
        b.append(" -all");
        while (b.length() < length) {
            b.insert(6, " ");
        }
        return b.toString();
    }
}
