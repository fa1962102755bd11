package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spfgate.dialog.Dialogs.DATA;
import static org.spfgate.dialog.Dialogs.GREETING;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.spfgate.dns.MxHostAddresses;
import org.spfgate.testdns.TestZone;

/**
 * The mx_of and spf_domains matchers on the real listener, DNS from the test DNS server: our own
 * MX hosts found by DNS (A and AAAA, refreshed after their TTL, kept when DNS fails), and a
 * forwarder recognised by its SPF record. The client is 127.0.0.1 (or ::1); its sender
 * {@code mallory@forged.test} fails SPF, so a trusted client is one whose message gets through.
 */
class TrustedMatchersDialogTest {

    private static final String FORGED_SENDER = """
            C: HELO relay.example.test
            S: 250 mx.gateway.test
            C: MAIL FROM:<mallory@forged.test>
            S: 250 2.1.0 Sender OK
            C: RCPT TO:<bob@ours.test>
            """;

    /** Delivers from the forged sender as a trusted client; returns the message the internal server got. */
    private static String deliveredAsTrusted(GatewayUnderTest gw, SmtpClient c) throws Exception {
        int before = gw.internal.deliveries().size();
        c.script(GREETING + FORGED_SENDER + """
                S: 250 Ok
                """ + DATA);
        c.sendMessage("Subject: relayed\r\n\r\nhello\r\n");
        c.expectLine("250 2.0.0 Ok: queued as Q...");
        assertEquals(before + 1, gw.internal.deliveries().size());
        return gw.internal.deliveries().get(before).text().replace("\r\n ", " ");
    }

    private static void refusedAsStranger(SmtpClient c) throws Exception {
        c.script(GREETING + FORGED_SENDER + """
                S: 550 5.7.23 forged.test never sends mail from 127.0.0.1
                """);
    }

    private static TestZone ourMxHosts() {
        return Zones.standard()
                .mx("ours.test", 10, "mx1.ours.test").mx("ours.test", 20, "mx2.ours.test")
                .ttl(60).a("mx1.ours.test", "127.0.0.1").aaaa("mx2.ours.test", "::1");
    }

    @Test
    void mxOfTrustsBothAnAAndAnAaaaAddressOfOurMxHosts() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(ourMxHosts()).alsoOnIpv6()
                .trusted("trusted: [{name: our-mx, mx_of: [ours.test]}]").start()) {
            try (SmtpClient c = gw.connect()) {
                assertTrue(deliveredAsTrusted(gw, c).contains("(mx.gateway.test: 127.0.0.1 is trusted relay our-mx;"
                        + " SPF not checked; matched by mx_of ours.test)"));
            }
            try (SmtpClient c = gw.connectOverIpv6()) {
                assertTrue(deliveredAsTrusted(gw, c).contains("(mx.gateway.test: ::1 is trusted relay our-mx;"
                        + " SPF not checked; matched by mx_of ours.test)"));
            }
            String line = gw.awaitLogLine(l -> l.contains("client=unknown[::1]"));
            assertTrue(line.contains("trusted=our-mx trusted_by=mx_of via=skip"), line);
            assertTrue(gw.gateway.metrics().scrape().contains("spfgate_trusted_total{name=\"our-mx\"} 2.0"));
        }
    }

    @Test
    void mxOfFollowsAChangedRecordAfterItsTtl() throws Exception {
        AtomicLong clock = new AtomicLong();
        TestZone zone = Zones.standard().mx("ours.test", 10, "mx1.ours.test").ttl(60).a("mx1.ours.test", "192.0.2.25");
        try (GatewayUnderTest gw = GatewayUnderTest.with(zone).dnsClock(clock::get)
                .trusted("trusted: [{name: our-mx, mx_of: [ours.test]}]").start()) {
            try (SmtpClient c = gw.connect()) {
                refusedAsStranger(c);
            }
            zone.remove("mx1.ours.test").ttl(60).a("mx1.ours.test", "127.0.0.1"); // our MX moved here
            clock.addAndGet(59_000_000_000L);
            try (SmtpClient c = gw.connect()) {
                refusedAsStranger(c); // the old answer is still within its TTL
            }
            clock.addAndGet(1_000_000_000L);
            try (SmtpClient c = gw.connect()) {
                assertTrue(deliveredAsTrusted(gw, c).contains("matched by mx_of ours.test"));
            }
        }
    }

    @Test
    void mxOfKeepsTheLastGoodSetWhenTheDnsServerStopsAnswering() throws Exception {
        AtomicLong clock = new AtomicLong();
        TestZone zone = ourMxHosts();
        try (GatewayUnderTest gw = GatewayUnderTest.with(zone).dnsClock(clock::get)
                .trusted("trusted: [{name: our-mx, mx_of: [ours.test]}]").start()) {
            zone.timeout("ours.test").timeout("mx1.ours.test").timeout("mx2.ours.test");
            clock.addAndGet(61_000_000_000L);
            int asked = gw.dns.queryCount("mx1.ours.test", "A");
            try (SmtpClient c = gw.connect()) {
                assertTrue(deliveredAsTrusted(gw, c).contains("matched by mx_of ours.test"));
            }
            assertTrue(gw.dns.queryCount("mx1.ours.test", "A") > asked, "a refresh was tried, and failed");
            clock.addAndGet(MxHostAddresses.RETRY.toNanos());
            try (SmtpClient c = gw.connect()) {
                assertTrue(deliveredAsTrusted(gw, c).contains("matched by mx_of ours.test"), "still, after the retry");
            }
        }
    }

    @Test
    void aClientPassingSpfOfAnSpfDomainsDomainSkipsSpf() throws Exception {
        TestZone zone = Zones.standard().txt("_spf.forwarder.test", "v=spf1 ip4:127.0.0.0/8 -all");
        try (GatewayUnderTest gw = GatewayUnderTest.with(zone)
                .trusted("trusted: [{name: forwarder, spf_domains: [_spf.forwarder.test]}]").start();
                SmtpClient c = gw.connect()) {
            String text = deliveredAsTrusted(gw, c);
            assertTrue(text.contains("(mx.gateway.test: 127.0.0.1 is trusted relay forwarder; SPF not checked;"
                    + " matched by spf_domains _spf.forwarder.test)"), text);
            String line = gw.awaitLogLine(l -> l.contains("status=relayed"));
            assertTrue(line.contains("trusted=forwarder trusted_by=spf_domains via=skip"), line);
        }
    }

    @Test
    void aClientFailingSpfOfTheSpfDomainsDomainIsJudgedNormally() throws Exception {
        TestZone zone = Zones.standard().txt("_spf.forwarder.test", "v=spf1 ip4:192.0.2.0/24 ~all")
                .timeout("_spf.slow-forwarder.test");
        try (GatewayUnderTest gw = GatewayUnderTest.with(zone)
                .trusted("trusted: [{name: forwarder, spf_domains: [_spf.forwarder.test, _spf.slow-forwarder.test]}]")
                .start()) {
            try (SmtpClient c = gw.connect()) {
                refusedAsStranger(c);
            }
            String line = gw.awaitLogLine(l -> l.contains("status=rejected"));
            assertTrue(line.contains("spf=fail") && !line.contains("trusted="), line);
        }
    }
}
