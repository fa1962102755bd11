package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spfgate.dialog.Dialogs.DATA;
import static org.spfgate.dialog.Dialogs.GREETING;
import static org.spfgate.dialog.Dialogs.READY_FOR_MESSAGE;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.spfgate.testdns.TestZone;

/**
 * Trusted clients (secondary MX, forwarders) skip SPF visibly; report-only never refuses; forged
 * Authentication-Results claiming to be us are removed. Each test runs its own gateway: the
 * client's reverse DNS differs between them.
 */
class TrustAndStampDialogTest {

    private static final String FORGED_SENDER = GREETING + """
            C: HELO relay1.forward.test
            S: 250 mx.gateway.test
            C: MAIL FROM:<mallory@forged.test>
            S: 250 2.1.0 Sender OK
            C: RCPT TO:<bob@ours.test>
            """;

    private static final String MESSAGE = "Subject: forwarded\r\n\r\nfrom a list\r\n";

    private static String deliverForgedSender(GatewayUnderTest gw) throws Exception {
        try (SmtpClient c = gw.connect()) {
            c.script(FORGED_SENDER + """
                    S: 250 Ok
                    """ + DATA);
            c.sendMessage(MESSAGE);
            c.expectLine("250 2.0.0 Ok: queued as Q...");
        }
        assertEquals(1, gw.internal.deliveries().size());
        return gw.internal.deliveries().get(0).text();
    }

    @Test
    void trustedNetworkSkipsSpfAndSaysSoInTheHeaderAndTheLog() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard())
                .trusted("trusted: [{name: backup-mx, networks: [127.0.0.0/8, \"2001:db8::/32\"]}]").start()) {
            String text = deliverForgedSender(gw);
            assertTrue(text.startsWith("Authentication-Results: mx.gateway.test; spf=none"), text);
            assertTrue(text.replace("\r\n ", " ").contains(
                    "(mx.gateway.test: 127.0.0.1 is trusted relay backup-mx; SPF not checked; matched by networks"
                            + " 127.0.0.0/8)"), text);
            assertFalse(text.contains("Received-SPF:"), text);
            assertTrue(text.contains("\r\nReceived: from relay1.forward.test"), text);
            List<String> log = gw.awaitLogLines(1);
            assertTrue(log.get(0).contains("trusted=backup-mx trusted_by=networks via=skip")
                    && log.get(0).contains("status=relayed")
                    && !log.get(0).contains(" spf="), log.get(0));
            assertTrue(gw.gateway.metrics().scrape().contains("spfgate_trusted_total{name=\"backup-mx\"} 1.0"),
                    "the skip is counted");
        }
    }

    @Test
    void trustedHostNameByForwardConfirmedReverseDnsSkipsSpf() throws Exception {
        TestZone zone = Zones.standard()
                .ptr("127.0.0.1", "relay1.forward.test")
                .a("relay1.forward.test", "127.0.0.1");
        try (GatewayUnderTest gw = GatewayUnderTest.with(zone)
                .trusted("trusted: [{name: university-forwarder, hostnames: [\"*.forward.test\"]}]").start()) {
            String text = deliverForgedSender(gw);
            assertTrue(text.replace("\r\n ", " ").contains("is trusted relay university-forwarder; SPF not checked;"
                    + " matched by hostnames relay1.forward.test)"), text);
            assertFalse(text.contains("Received-SPF:"), text);
            List<String> log = gw.awaitLogLines(1);
            assertTrue(log.get(0).contains("client=relay1.forward.test[127.0.0.1]")
                    && log.get(0).contains("trusted=university-forwarder"), log.get(0));
        }
    }

    @Test
    void reverseDnsWithoutForwardConfirmationIsNotTrusted() throws Exception {
        TestZone zone = Zones.standard()
                .ptr("127.0.0.1", "relay1.forward.test")
                .a("relay1.forward.test", "192.0.2.77"); // the name does not point back
        try (GatewayUnderTest gw = GatewayUnderTest.with(zone)
                .trusted("trusted: [{name: university-forwarder, hostnames: [\"*.forward.test\"]}]").start();
                SmtpClient c = gw.connect()) {
            c.script(FORGED_SENDER + """
                    S: 550 5.7.23 forged.test never sends mail from 127.0.0.1
                    """);
            assertEquals(0, gw.internal.deliveries().size());
        }
    }

    @Test
    void reportOnlyDeliversAFailWithItsHeaderAndLogsWouldReject() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).reportOnly().start()) {
            String text = deliverForgedSender(gw);
            assertTrue(text.contains("Received-SPF: fail "), text);
            assertTrue(text.contains("spf=fail"), text);
            List<String> log = gw.awaitLogLines(1);
            assertTrue(log.get(0).contains("spf=fail") && log.get(0).contains("would_reject=spf_fail")
                    && log.get(0).contains("status=relayed"), log.get(0));
        }
    }

    @Test
    void forgedAuthenticationResultsWithOurIdAreRemovedAndForeignOnesKept() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).start();
                SmtpClient c = gw.connect()) {
            c.script(READY_FOR_MESSAGE);
            String foreign = "Authentication-Results: list.example; dkim=pass header.d=sender.test\r\n";
            c.sendRaw("Authentication-Results: MX.Gateway.Test; spf=pass\r\n smtp.mailfrom=ceo@ours.test\r\n"
                    + foreign
                    + "Authentication-Results: mx.gateway.test;\r\n\tdkim=pass\r\n"
                    + "Subject: hi\r\n\r\nbody\r\n.\r\n");
            c.expectLine("250 2.0.0 Ok: queued as Q...");
            String text = gw.internal.deliveries().get(0).text();
            String afterOurs = text.substring(text.indexOf("\r\nReceived: from"));
            afterOurs = afterOurs.substring(afterOurs.indexOf("\r\n", 2)); // past our Received
            assertFalse(afterOurs.contains("ceo@ours.test"), text);
            assertFalse(afterOurs.toLowerCase().contains("authentication-results: mx.gateway.test"), text);
            assertTrue(text.endsWith(foreign + "Subject: hi\r\n\r\nbody\r\n"), text);
        }
    }
}
