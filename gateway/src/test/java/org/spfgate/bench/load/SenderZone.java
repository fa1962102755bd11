package org.spfgate.bench.load;

import org.spfgate.dkim.DkimSigner;
import org.spfgate.testdns.TestZone;

/**
 * The DNS of the senders in the load: {@value #DOMAINS} sender domains published the way a
 * company behind a mail provider publishes them, each evaluated in full for 127.0.0.1 (where
 * every client connects from) before it passes:
 *
 * <pre>
 * sNN.sender.example       TXT "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 ip4:203.0.113.0/25
 *                                  include:_spf.provider.example a mx -all"
 *                          A   192.0.2.10                       (a: no match)
 *                          MX  10 mx1.sNN.sender.example, 20 mx2.sNN.sender.example
 * mx1.sNN.sender.example   A   192.0.2.25
 * mx2.sNN.sender.example   A   127.0.0.1                        (mx: pass, the last term before -all)
 * _spf.provider.example    TXT "v=spf1 include:_nb1.provider.example include:_nb2.provider.example ~all"
 * _nbN.provider.example    TXT "v=spf1 ip4:… ip4:… ip6:… ~all"  (seven networks each, no match)
 * mail.sender.example      TXT "v=spf1 a -all", A 127.0.0.1     (the HELO identity: pass)
 * </pre>
 *
 * Five DNS-querying terms per MAIL FROM check (include, its two includes, a, mx; RFC 7208 4.6.4
 * allows ten). Records have a TTL of
 * 300 s, so after the warm-up the gateway's DNS cache answers: the phases measure steady state,
 * and the load generator reports how many queries still reached the DNS server.
 *
 * <p>With {@code -Dload.dkimRescue=true} (the gateway on {@code spf.dkim_rescue: [fail]}) the
 * senders are forwarded mail instead: {@code fNN.sender.example} publishes {@code v=spf1
 * ip4:192.0.2.0/24 -all}, so 127.0.0.1 fails SPF, and every message carries a DKIM signature of
 * {@code sender.example} (the organizational domain), key at {@code bench._domainkey.sender.example}.
 */
final class SenderZone {

    static final int DOMAINS = 100;
    static final String HELO = "mail.sender.example";
    /** Forwarded mail rescued by DKIM instead of mail that passes SPF. */
    static final boolean DKIM_RESCUE = Boolean.getBoolean("load.dkimRescue");
    static final String DKIM_DOMAIN = "sender.example";
    static final String DKIM_SELECTOR = "bench";
    static final DkimSigner.Key DKIM_KEY = DKIM_RESCUE ? DkimSigner.Key.rsa(2048) : null;

    private SenderZone() {
    }

    static String senderDomain(int n) {
        return DKIM_RESCUE ? forwardedDomain(n) : passingDomain(n);
    }

    private static String passingDomain(int n) {
        return "s%02d.sender.example".formatted(n % DOMAINS);
    }

    private static String forwardedDomain(int n) {
        return "f%02d.sender.example".formatted(n % DOMAINS);
    }

    static TestZone build() {
        return build(300);
    }

    /** The zone with every record's TTL (and the negative TTL) at {@code ttl} seconds. */
    static TestZone build(long ttl) {
        TestZone zone = new TestZone().ttl(ttl).negativeTtl(ttl)
                .txt("_spf.provider.example", "v=spf1 include:_nb1.provider.example include:_nb2.provider.example ~all")
                .txt("_nb1.provider.example", "v=spf1 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ip4:66.102.0.0/20"
                        + " ip4:66.249.80.0/20 ip4:72.14.192.0/18 ip6:2001:4860:4000::/36 ip6:2404:6800:4000::/36 ~all")
                .txt("_nb2.provider.example", "v=spf1 ip4:74.125.0.0/16 ip4:108.177.8.0/21 ip4:173.194.0.0/16"
                        + " ip4:209.85.128.0/17 ip4:216.58.192.0/19 ip6:2607:f8b0:4000::/36 ip6:2800:3f0:4000::/36 ~all")
                .txt(HELO, "v=spf1 a -all")
                .a(HELO, "127.0.0.1");
        for (int n = 0; n < DOMAINS; n++) {
            String domain = passingDomain(n);
            zone.txt(domain, "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 ip4:203.0.113.0/25"
                            + " include:_spf.provider.example a mx -all")
                    .a(domain, "192.0.2.10")
                    .mx(domain, 10, "mx1." + domain)
                    .mx(domain, 20, "mx2." + domain)
                    .a("mx1." + domain, "192.0.2.25")
                    .a("mx2." + domain, "127.0.0.1");
            zone.txt(forwardedDomain(n), "v=spf1 ip4:192.0.2.0/24 -all");
        }
        if (DKIM_RESCUE) {
            zone.txt(DKIM_SELECTOR + "._domainkey." + DKIM_DOMAIN, DKIM_KEY.recordStrings());
        }
        return zone;
    }
}
