package org.spfgate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spfgate.config.Cidr;
import org.spfgate.config.TrustedEntry;
import org.spfgate.spf.DnsAnswer;
import org.spfgate.spf.SpfDns;

/** Trusted clients by CIDR and by forward-confirmed reverse DNS, against an in-memory DNS. */
class TrustedClientsTest {

    /** PTR and A/AAAA answers from maps; records every question so tests can see DNS was not used. */
    private static final class MemoryDns implements SpfDns {
        final Map<InetAddress, DnsAnswer<String>> ptr = new HashMap<>();
        final Map<String, DnsAnswer<InetAddress>> addresses = new HashMap<>();
        final List<String> questions = new ArrayList<>();

        @Override
        public DnsAnswer<String> txt(String name) {
            throw new AssertionError("TXT not expected");
        }

        @Override
        public DnsAnswer<InetAddress> addresses(String name, boolean ipv6) {
            questions.add((ipv6 ? "AAAA " : "A ") + name);
            return addresses.getOrDefault((ipv6 ? "AAAA " : "A ") + name, DnsAnswer.nxdomain());
        }

        @Override
        public DnsAnswer<String> mx(String name) {
            throw new AssertionError("MX not expected");
        }

        @Override
        public DnsAnswer<String> ptr(InetAddress ip) {
            questions.add("PTR " + ip.getHostAddress());
            return ptr.getOrDefault(ip, DnsAnswer.nxdomain());
        }

        void ptr(String ip, String... names) {
            ptr.put(ip(ip), DnsAnswer.found(List.of(names)));
        }

        void a(String name, String... ips) {
            addresses.put("A " + name, DnsAnswer.found(List.of(ips).stream().map(TrustedClientsTest::ip).toList()));
        }

        void aaaa(String name, String... ips) {
            addresses.put("AAAA " + name, DnsAnswer.found(List.of(ips).stream().map(TrustedClientsTest::ip).toList()));
        }
    }

    private final MemoryDns dns = new MemoryDns();

    private static ClientTrust.Trusted byNetwork(String name, String network) {
        return new ClientTrust.Trusted(name, ClientTrust.Matcher.NETWORKS, network, TrustedEntry.Treatment.SKIP);
    }

    private static ClientTrust.Trusted byHostname(String name, String hostname) {
        return new ClientTrust.Trusted(name, ClientTrust.Matcher.HOSTNAMES, hostname, TrustedEntry.Treatment.SKIP);
    }

    private static final TrustedEntry BACKUP_MX = new TrustedEntry("backup-mx",
            List.of(Cidr.parse("198.51.100.0/28"), Cidr.parse("2001:db8:1::/48")), List.of());
    private static final TrustedEntry FORWARDER = new TrustedEntry("university-forwarder",
            List.of(), List.of("*.forward.example.edu"));
    private static final TrustedEntry EXACT = new TrustedEntry("partner",
            List.of(), List.of("mx2.partner.example"));

    private final TrustedClients trusted = new TrustedClients(List.of(BACKUP_MX, FORWARDER, EXACT), dns);

    @ParameterizedTest(name = "{0} is trusted as backup-mx by network {1}")
    @CsvSource({
            "198.51.100.7, 198.51.100.0/28",
            "198.51.100.0, 198.51.100.0/28",
            "198.51.100.15, 198.51.100.0/28",
            "::ffff:198.51.100.7, 198.51.100.0/28",
            "2001:db8:1:ffff::25, 2001:db8:1::/48"})
    void clientsInATrustedNetworkAreTrustedWithoutAnyDnsQuestion(String client, String network) {
        assertEquals(byNetwork("backup-mx", network), trusted.check(ip(client)));
        assertEquals(List.of(), dns.questions);
    }

    @Test
    void anIpv4MappedIpv6ClientMatchesIpv4Networks() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 198, 51, 100, 9};
        InetAddress client = java.net.Inet6Address.getByAddress(null, mapped, null);
        assertTrue(client instanceof java.net.Inet6Address, "the JDK kept it IPv6, as a socket may");
        assertEquals(byNetwork("backup-mx", "198.51.100.0/28"), trusted.check(client));
    }

    @Test
    void withoutHostnamePatternsNoDnsIsAskedEvenForStrangers() {
        TrustedClients networksOnly = new TrustedClients(List.of(BACKUP_MX), dns);
        assertEquals(new ClientTrust.NotTrusted("no trusted entry matches 198.51.100.16"),
                networksOnly.check(ip("198.51.100.16")));
        assertEquals(List.of(), dns.questions);
    }

    @Test
    void loopbackIsNotTrustedImplicitly() {
        TrustedClients nothing = new TrustedClients(List.of(), dns);
        assertEquals(new ClientTrust.NotTrusted("no trusted entry matches 127.0.0.1"), nothing.check(ip("127.0.0.1")));
    }

    @Test
    void aForwardConfirmedNameUnderThePatternIsTrusted() {
        dns.ptr("192.0.2.10", "a.forward.example.edu.");
        dns.a("a.forward.example.edu", "192.0.2.10");
        assertEquals(byHostname("university-forwarder", "a.forward.example.edu"),
                trusted.check(ip("192.0.2.10")));
        assertEquals(List.of("PTR 192.0.2.10", "A a.forward.example.edu"), dns.questions);
    }

    @Test
    void deeperNamesUnderThePatternAreTrustedAndCaseIsIgnored() {
        dns.ptr("192.0.2.11", "X.Y.Forward.Example.EDU");
        dns.a("x.y.forward.example.edu", "192.0.2.99", "192.0.2.11");
        assertEquals(byHostname("university-forwarder", "x.y.forward.example.edu"),
                trusted.check(ip("192.0.2.11")));
    }

    @Test
    void anIpv6ClientIsConfirmedByAaaaRecords() {
        dns.ptr("2001:db8:2::25", "relay.forward.example.edu");
        dns.aaaa("relay.forward.example.edu", "2001:db8:2::25");
        assertEquals(byHostname("university-forwarder", "relay.forward.example.edu"),
                trusted.check(ip("2001:db8:2::25")));
    }

    @Test
    void reverseDnsWithoutForwardConfirmationIsNotTrusted() {
        // anyone controlling the reverse zone of 203.0.113.5 can claim this name
        dns.ptr("203.0.113.5", "a.forward.example.edu");
        dns.a("a.forward.example.edu", "192.0.2.10");
        assertEquals(new ClientTrust.NotTrusted(
                        "a.forward.example.edu does not resolve to 203.0.113.5 (not forward-confirmed)"),
                trusted.check(ip("203.0.113.5")));
    }

    @Test
    void aForwardNameThatDoesNotExistIsNotTrusted() {
        dns.ptr("203.0.113.6", "ghost.forward.example.edu");
        assertEquals(new ClientTrust.NotTrusted(
                        "ghost.forward.example.edu does not resolve to 203.0.113.6 (not forward-confirmed)"),
                trusted.check(ip("203.0.113.6")));
    }

    @ParameterizedTest(name = "{0} does not match *.forward.example.edu")
    @CsvSource({"evilforward.example.edu", "forward.example.edu", "forward.example.edu.evil.example",
            "a.forward.example.edux", "a.forward-example.edu"})
    void namesOffTheLabelBoundaryDoNotMatchEvenWhenConfirmed(String name) {
        dns.ptr("203.0.113.7", name);
        dns.a(name, "203.0.113.7");
        assertEquals(new ClientTrust.NotTrusted("no PTR name of 203.0.113.7 matches a trusted host name"),
                trusted.check(ip("203.0.113.7")));
        assertEquals(List.of("PTR 203.0.113.7"), dns.questions, "no forward lookup for a name that does not match");
    }

    @Test
    void anExactPatternMatchesOnlyItself() {
        dns.ptr("192.0.2.20", "mx2.partner.example");
        dns.a("mx2.partner.example", "192.0.2.20");
        dns.ptr("192.0.2.21", "a.mx2.partner.example");
        dns.a("a.mx2.partner.example", "192.0.2.21");
        assertEquals(byHostname("partner", "mx2.partner.example"), trusted.check(ip("192.0.2.20")));
        assertFalse(trusted.check(ip("192.0.2.21")) instanceof ClientTrust.Trusted);
    }

    @Test
    void aLaterPtrNameCanConfirmWhenAnEarlierOneDoesNot() {
        dns.ptr("192.0.2.30", "unrelated.example.com", "b.forward.example.edu", "c.forward.example.edu");
        dns.a("b.forward.example.edu", "192.0.2.31");
        dns.a("c.forward.example.edu", "192.0.2.30");
        assertEquals(byHostname("university-forwarder", "c.forward.example.edu"),
                trusted.check(ip("192.0.2.30")));
    }

    @Test
    void aPtrLookupErrorMeansNotTrustedAndSaysSo() {
        dns.ptr.put(ip("192.0.2.40"), DnsAnswer.error("SERVFAIL"));
        assertEquals(new ClientTrust.NotTrusted("PTR lookup for 192.0.2.40 failed: SERVFAIL"),
                trusted.check(ip("192.0.2.40")));
    }

    @Test
    void aForwardLookupErrorMeansNotTrustedAndSaysSo() {
        dns.ptr("192.0.2.41", "d.forward.example.edu");
        dns.addresses.put("A d.forward.example.edu", DnsAnswer.error("time-out"));
        assertEquals(new ClientTrust.NotTrusted("address lookup for d.forward.example.edu failed: time-out"),
                trusted.check(ip("192.0.2.41")));
    }

    @Test
    void noPtrNameMeansNotTrusted() {
        assertEquals(new ClientTrust.NotTrusted("no trusted network matches and 192.0.2.50 has no PTR name"),
                trusted.check(ip("192.0.2.50")));
    }

    @Test
    void atMostTenPtrNamesAreFollowed() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            names.add("n" + i + ".forward.example.edu");
        }
        dns.ptr("192.0.2.60", names.toArray(String[]::new));
        dns.a("n10.forward.example.edu", "192.0.2.60");
        assertFalse(trusted.check(ip("192.0.2.60")) instanceof ClientTrust.Trusted);
        assertEquals(1 + TrustedClients.MAX_PTR_NAMES, dns.questions.size());
    }

    @Test
    void patternMatchingFollowsLabelBoundaries() {
        assertTrue(TrustedClients.matches("*.forward.example.edu", "a.forward.example.edu"));
        assertFalse(TrustedClients.matches("*.forward.example.edu", ".forward.example.edu"));
        assertFalse(TrustedClients.matches("*.forward.example.edu", "forward.example.edu"));
        assertFalse(TrustedClients.matches("*", "anything.example"));
        assertFalse(TrustedClients.matches("a.*.example", "a.b.example"));
    }

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
