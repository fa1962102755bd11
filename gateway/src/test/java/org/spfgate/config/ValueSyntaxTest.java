package org.spfgate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The small value languages of the config file: durations, sizes, host:port, CIDRs, names. */
class ValueSyntaxTest {

    @Test
    void durationsTakeOneNumberAndOneUnit() {
        assertEquals(Duration.ofMillis(500), DurationSyntax.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), DurationSyntax.parse("30s"));
        assertEquals(Duration.ofMinutes(5), DurationSyntax.parse("5m"));
        assertEquals(Duration.ofHours(2), DurationSyntax.parse("2h"));
        assertEquals(Duration.ofDays(1), DurationSyntax.parse("1d"));
        assertEquals("not a duration: \"5M\" (use a number and a unit: 500ms, 30s, 5m, 2h)",
                assertThrows(IllegalArgumentException.class, () -> DurationSyntax.parse("5M")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> DurationSyntax.parse("1h30m"));
        assertThrows(IllegalArgumentException.class, () -> DurationSyntax.parse("-5s"));
        assertThrows(IllegalArgumentException.class, () -> DurationSyntax.parse("1.5s"));
    }

    @Test
    void sizeOverflowIsRefusedNotWrapped() {
        assertEquals("size too large: \"99999999999GiB\"",
                assertThrows(IllegalArgumentException.class, () -> SizeSyntax.parse("99999999999GiB")).getMessage());
    }

    @Test
    void hostPortKeepsIpv6WithoutBracketsAndNamesInLowerCase() {
        assertEquals(new HostPort("2001:db8::1", 25), HostPort.parse("[2001:db8::1]:25"));
        assertEquals(new HostPort("mx.example.org", 25), HostPort.parse("MX.Example.org:25"));
        assertEquals(new HostPort("10.0.0.53", 53), HostPort.parse("10.0.0.53", 53));
        assertEquals(new HostPort("::1", 53), HostPort.parse("::1", 53));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("::1"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("[::1]"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("[example.org]:25"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("1.2.3.4:"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("bad host:25"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("[fe80::1%eth0]:25"));
    }

    @Test
    void cidrsMatchBothFamiliesAndIpv4MappedClients() throws Exception {
        Cidr v4 = Cidr.parse("198.51.100.0/28");
        assertTrue(v4.contains(InetAddress.getByName("198.51.100.15")));
        assertFalse(v4.contains(InetAddress.getByName("198.51.100.16")));
        assertTrue(v4.contains(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff,
                (byte) 198, 51, 100, 7})), "IPv4-mapped IPv6 client");
        Cidr v6 = Cidr.parse("2001:db8:1::/48");
        assertTrue(v6.contains(InetAddress.getByName("2001:db8:1:ffff::1")));
        assertFalse(v6.contains(InetAddress.getByName("2001:db8:2::1")));
        assertFalse(Cidr.parse("0.0.0.0/8").contains(InetAddress.getByName("::1")), "::1 is not an IPv4 address");
        assertTrue(Cidr.parse("203.0.113.9").contains(InetAddress.getByName("203.0.113.9")), "a single address is a /32");
        assertFalse(Cidr.parse("203.0.113.9").contains(InetAddress.getByName("203.0.113.8")));
    }

    @Test
    void cidrsRefuseLegacyAndWildcardForms() {
        for (String bad : new String[] {"127.1", "10.0.0.*", "10.0.0.0-255", "*", "", "10.0.0.0/", "10.0.0.256/32",
                "::/0x10", "10.0.0.0/08x"}) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
    }

    @Test
    void domainNamesFollowTheHostnameRules() {
        assertEquals("example.org", DomainNameSyntax.normalize("Example.ORG."));
        assertEquals("localhost", DomainNameSyntax.normalize("localhost"));
        assertEquals("a-b.example", DomainNameSyntax.normalize("a-b.example"));
        for (String bad : new String[] {"", ".", "a..b", "-a.example", "a-.example", "a_b.example", "a".repeat(64) + ".example",
                "a b.example"}) {
            assertThrows(IllegalArgumentException.class, () -> DomainNameSyntax.normalize(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> DomainNameSyntax.normalizeMailDomain("192.0.2.1"));
    }
}
