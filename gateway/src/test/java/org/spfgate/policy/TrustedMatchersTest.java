package org.spfgate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.spfgate.config.Cidr;
import org.spfgate.config.TrustedEntry;
import org.spfgate.config.TrustedEntry.Treatment;
import org.spfgate.dns.DnsQueryListener;
import org.spfgate.dns.MxHostAddresses;
import org.spfgate.dns.SpfDnsClient;
import org.spfgate.spf.SpfChecker;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;

/** The mx_of and spf_domains matchers, and the order of all four, with DNS from a real server on loopback. */
class TrustedMatchersTest {

    private final TestZone zone = new TestZone()
            .mx("example.org", 10, "mx1.example.org").mx("example.org", 20, "mx2.example.org")
            .a("mx1.example.org", "198.51.100.25").aaaa("mx2.example.org", "2001:db8:25::2")
            .txt("_spf.forwarder.example", "v=spf1 ip4:203.0.113.0/24 ip6:2001:db8:f::/48 ~all")
            .txt("_spf.other.example", "v=spf1 ip4:192.0.2.0/24 ?all")
            .timeout("_spf.broken.example");
    private final TestDnsServer dns = TestDnsServer.start(zone);
    private final AtomicLong clock = new AtomicLong();
    private final SpfDnsClient client = new SpfDnsClient(List.of(dns.address()), Duration.ofMillis(300), 1000,
            DnsQueryListener.NONE, clock::get);

    @AfterEach
    void stopServer() {
        dns.close();
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private TrustedClients trusted(TrustedEntry... entries) {
        List<TrustedEntry> list = List.of(entries);
        return new TrustedClients(list, client, new SpfChecker(client, "mx.example.org", Duration.ofSeconds(2)),
                new MxHostAddresses(TrustedClients.mxOfDomains(list), client, clock::get));
    }

    private static TrustedEntry mxOf(String name, Treatment spf, String... domains) {
        return new TrustedEntry(name, List.of(), List.of(), List.of(domains), List.of(), spf);
    }

    private static TrustedEntry spfDomains(String name, String... domains) {
        return new TrustedEntry(name, List.of(), List.of(), List.of(), List.of(domains), Treatment.SKIP);
    }

    @Test
    void anAAndAnAaaaAddressOfOurMxHostsAreTrustedWithTheEntrysTreatment() throws Exception {
        TrustedClients trusted = trusted(mxOf("our-mx", Treatment.THROUGH, "example.org"));

        assertEquals(new ClientTrust.Trusted("our-mx", ClientTrust.Matcher.MX_OF, "example.org", Treatment.THROUGH),
                trusted.check(ip("198.51.100.25")));
        assertEquals(new ClientTrust.Trusted("our-mx", ClientTrust.Matcher.MX_OF, "example.org", Treatment.THROUGH),
                trusted.check(ip("2001:db8:25::2")));
        assertEquals(new ClientTrust.NotTrusted("no trusted entry matches 198.51.100.26"),
                trusted.check(ip("198.51.100.26")));
    }

    @Test
    void aClientPassingSpfOfAListedDomainIsTrustedByThatDomain() throws Exception {
        TrustedClients trusted = trusted(spfDomains("forwarders", "_spf.other.example", "_spf.forwarder.example"));

        assertEquals(new ClientTrust.Trusted("forwarders", ClientTrust.Matcher.SPF_DOMAINS, "_spf.forwarder.example",
                Treatment.SKIP), trusted.check(ip("203.0.113.9"), "mail.forwarder.example"));
        assertEquals(new ClientTrust.Trusted("forwarders", ClientTrust.Matcher.SPF_DOMAINS, "_spf.forwarder.example",
                Treatment.SKIP), trusted.check(ip("2001:db8:f::9")));
    }

    @Test
    void anyResultButPassIsNoMatchAndSaysWhy() throws Exception {
        TrustedClients trusted = trusted(spfDomains("forwarders", "_spf.forwarder.example", "_spf.other.example",
                "_spf.broken.example", "_spf.missing.example"));

        assertEquals(new ClientTrust.NotTrusted("spf_domains _spf.forwarder.example: softfail; spf_domains"
                + " _spf.other.example: neutral; spf_domains _spf.broken.example: temperror; spf_domains"
                + " _spf.missing.example: none"), trusted.check(ip("192.0.3.1")));
    }

    @Test
    void networksAreTriedBeforeMxOfAndMxOfBeforeSpfDomains() throws Exception {
        TrustedEntry byNetwork = new TrustedEntry("backup-mx", List.of(Cidr.parse("198.51.100.0/24")), List.of());
        TrustedClients trusted = trusted(spfDomains("forwarders", "_spf.forwarder.example"),
                mxOf("our-mx", Treatment.THROUGH, "example.org"), byNetwork);
        dns.resetCounts();

        assertEquals(new ClientTrust.Trusted("backup-mx", ClientTrust.Matcher.NETWORKS, "198.51.100.0/24",
                Treatment.SKIP), trusted.check(ip("198.51.100.25")));
        assertEquals(new ClientTrust.Trusted("our-mx", ClientTrust.Matcher.MX_OF, "example.org", Treatment.THROUGH),
                trusted.check(ip("2001:db8:25::2")));
        assertEquals(0, dns.totalQueryCount(), "neither asked for an SPF record");
    }

    @Test
    void entriesWithMxOfOrSpfDomainsNeedTheirResolvers() {
        assertThrows(IllegalArgumentException.class,
                () -> new TrustedClients(List.of(spfDomains("f", "_spf.forwarder.example")), client));
        assertThrows(IllegalArgumentException.class,
                () -> new TrustedClients(List.of(mxOf("m", Treatment.SKIP, "example.org")), client));
    }
}
