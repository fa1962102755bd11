package org.spfgate.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spfgate.spf.suite.SuiteScenario.ZoneRecord;

/**
 * A realistic sender domain for the SPF benchmark: {@code mx} and {@code a} first, then an
 * include chain of ip4/ip6 lists three deep (own netblocks, an email service provider with two
 * sub-includes), ending in {@code ~all}. The {@link #CASES} hit each part of the chain.
 */
final class BenchZone {

    /** One check: client IP, MAIL FROM, HELO, and the result both engines must agree on. */
    record Case(String ip, String mailFrom, String helo, String expected) {
    }

    static final List<Case> CASES = List.of(
            new Case("192.0.2.25", "alice@example.com", "mx2.example.com", "pass"),       // mx
            new Case("192.0.2.40", "bob@example.com", "mail.example.com", "pass"),        // a:
            new Case("198.51.100.77", "carol@example.com", "out.example.com", "pass"),    // include 1 ip4
            new Case("10.42.7.9", "dave@example.com", "relay.example.com", "pass"),       // include 1 > netblocks
            new Case("2001:db8:40::25", "erin@example.com", "v6.example.com", "pass"),    // include 1 ip6
            new Case("203.0.113.200", "frank@example.com", "esp.example.net", "pass"),    // include 2 > s2
            new Case("100.64.3.3", "mallory@example.com", "spoof.example.org", "softfail"));  // walks everything

    private BenchZone() {
    }

    /** Owner name to records, as {@link org.spfgate.spf.suite.InMemoryZoneDns} takes them. */
    static Map<String, List<ZoneRecord>> zone() {
        Map<String, List<ZoneRecord>> z = new LinkedHashMap<>();
        z.put("example.com", List.of(
                txt("v=spf1 mx a:mail.example.com include:_spf.example.com include:_spf.esp.example.net ~all"),
                mx(10, "mx1.example.com"), mx(20, "mx2.example.com")));
        z.put("mx1.example.com", List.of(a("192.0.2.24"), aaaa("2001:db8:1::24")));
        z.put("mx2.example.com", List.of(a("192.0.2.25"), aaaa("2001:db8:1::25")));
        z.put("mail.example.com", List.of(a("192.0.2.40"), a("192.0.2.41")));
        z.put("_spf.example.com", List.of(txt(
                "v=spf1 ip4:198.51.100.0/25 ip4:198.51.100.128/26 ip4:203.0.113.10 ip4:203.0.113.11 "
                + "ip4:203.0.113.12 ip4:203.0.113.13 ip6:2001:db8:40::/48 ip6:2001:db8:41::/48 "
                + "include:_netblocks.example.com -all")));
        z.put("_netblocks.example.com", List.of(txt(
                "v=spf1 ip4:10.1.0.0/16 ip4:10.2.0.0/16 ip4:10.3.0.0/16 ip4:10.4.0.0/16 ip4:10.5.0.0/16 "
                + "ip4:10.6.0.0/16 ip4:10.7.0.0/16 ip4:10.8.0.0/16 ip4:10.42.0.0/16 ip6:2001:db8:50::/44 -all")));
        z.put("_spf.esp.example.net", List.of(txt(
                "v=spf1 include:_s1.esp.example.net include:_s2.esp.example.net ~all")));
        z.put("_s1.esp.example.net", List.of(txt(
                "v=spf1 ip4:172.16.0.0/20 ip4:172.16.32.0/20 ip4:172.16.64.0/19 ip4:172.17.0.0/18 "
                + "ip6:2001:db8:100::/40 -all")));
        z.put("_s2.esp.example.net", List.of(txt(
                "v=spf1 ip4:203.0.113.128/25 ip4:192.0.2.128/26 ip4:172.18.0.0/16 ip6:2001:db8:200::/40 -all")));
        return z;
    }

    private static ZoneRecord txt(String text) {
        return new ZoneRecord("TXT", List.of(text));
    }

    private static ZoneRecord mx(int preference, String host) {
        return new ZoneRecord("MX", List.of(Integer.toString(preference), host));
    }

    private static ZoneRecord a(String ip) {
        return new ZoneRecord("A", List.of(ip));
    }

    private static ZoneRecord aaaa(String ip) {
        return new ZoneRecord("AAAA", List.of(ip));
    }
}
