package org.spfgate.spf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spfgate.spf.DnsAnswer;

class SuiteLoaderTest {

    private static final List<SuiteScenario> SUITE = SuiteLoader.loadRfc7208();

    @Test
    void theSuiteHolds203CasesInSixteenScenarios() {
        assertEquals(16, SUITE.size());
        assertEquals(203, SUITE.stream().mapToInt(s -> s.cases().size()).sum());
    }

    @Test
    void spfEntriesAreServedAsTxtOnlyWhereANameHasNoTxtEntry() {
        SuiteScenario lookup = scenario("Record lookup");
        InMemoryZoneDns dns = InMemoryZoneDns.of(lookup);
        assertEquals(List.of("v=spf1 -all"), dns.txt("both.example.net").records());
        assertEquals(DnsAnswer.Status.NODATA, dns.txt("spfonly.example.net").status());
        assertEquals(DnsAnswer.Status.ERROR, dns.txt("txttimeout.example.net").status());
        assertEquals(List.of("v=spf1 -all"), dns.txt("spftimeout.example.net").records());
        assertEquals(DnsAnswer.Status.NXDOMAIN, dns.txt("nowhere.example.net").status());
    }

    @Test
    void txtStringsAreJoinedWithoutSeparatorAndNamesCompareCaseInsensitively() {
        InMemoryZoneDns dns = InMemoryZoneDns.of(scenario("Initial processing"));
        assertTrue(dns.txt("NULL.example.com.").records().contains("v=spf1 ip4:192.0.2.5 -all"));
        assertTrue(dns.txt("null.example.com").records().contains(""));
    }

    @Test
    void ptrQuestionsUseTheReverseNameAndCnameLoopsAreErrors() throws Exception {
        InMemoryZoneDns dns = InMemoryZoneDns.of(scenario("PTR mechanism syntax"));
        assertEquals(List.of("e3.example.com"), dns.ptr(InetAddress.getByName("cafe:babe::1")).records());
        assertEquals(List.of("mail.example.com"), dns.ptr(InetAddress.getByName("2001:db8::1")).records());
        assertEquals(DnsAnswer.Status.ERROR, dns.addresses("loop4.example.com", false).status());
        assertEquals(List.of("PTR 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.e.b.a.b.e.f.a.c.ip6.arpa",
                "PTR 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
                "A loop4.example.com"), dns.queries());
    }

    private static SuiteScenario scenario(String description) {
        return SUITE.stream().filter(s -> s.description().equals(description)).findFirst().orElseThrow();
    }
}
