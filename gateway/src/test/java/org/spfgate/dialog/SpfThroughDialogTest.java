package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spfgate.dialog.Dialogs.DATA;
import static org.spfgate.dialog.Dialogs.GREETING;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spfgate.testdns.TestZone;

/**
 * {@code spf: through} on the real listener: our backup MX (127.0.0.1, trusted by network) relays
 * mail it accepted from someone else; SPF is evaluated for that client, named by the topmost
 * Received field, with the envelope's MAIL FROM — stamped, logged, counted, never refused — and
 * the message reaches the internal server byte for byte after our headers.
 */
class SpfThroughDialogTest {

    private static final String BACKUP_MX = "trusted: [{name: backup-mx, networks: [127.0.0.0/8], spf: through}]";

    private static TestZone zone() {
        return Zones.standard()
                .txt("origin.test", "v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all")
                .txt("victim.test", "v=spf1 ip4:198.51.100.0/24 -all");
    }

    /** The backup MX relays {@code message} from {@code sender}; returns what the internal server got. */
    private static String relayedByBackupMx(GatewayUnderTest gw, String sender, String message) throws Exception {
        try (SmtpClient c = gw.connect()) {
            c.script(GREETING + Dialogs.ehlo("backup.ours.test", 1_000_000) + """
                    C: MAIL FROM:<%s>
                    S: 250 2.1.0 Sender OK
                    C: RCPT TO:<bob@ours.test>
                    S: 250 Ok
                    """.formatted(sender) + DATA);
            c.sendMessage(message);
            c.expectLine("250 2.0.0 Ok: queued as Q...");
        }
        assertEquals(1, gw.internal.deliveries().size());
        String delivered = gw.internal.deliveries().get(0).text();
        assertTrue(delivered.endsWith(message), "the message bytes after our headers are the client's:\n" + delivered);
        return delivered;
    }

    private static String unfolded(String text) {
        return text.replace("\r\n ", " ").replace("\r\n\t", " ");
    }

    private static String message(String received) {
        return "Received: " + received + "\r\n"
                + "From: Alice <alice@origin.test>\r\nSubject: through the backup MX\r\n\r\nHello.\r\n";
    }

    @Test
    void theOriginalClientPassesAndIsStampedAsTheClient() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(zone()).trusted(BACKUP_MX).start()) {
            String text = unfolded(relayedByBackupMx(gw, "alice@origin.test", message(
                    "from mail.origin.test (mail.origin.test [192.0.2.10])\r\n\tby backup.ours.test (Postfix)"
                            + " with ESMTPS id 4XyZ1k3s9Qz\r\n\tfor <bob@ours.test>; Mon, 7 Dec 2026 22:00:01 +0000 (UTC)")));
            assertTrue(text.startsWith("Authentication-Results: mx.gateway.test; spf=pass (mx.gateway.test:"
                    + " 192.0.2.10 evaluated through trusted relay backup-mx 127.0.0.1, matched by networks"
                    + " 127.0.0.0/8) smtp.mailfrom=alice@origin.test\r\n"), text);
            assertTrue(text.contains("\r\nReceived-SPF: pass (mx.gateway.test: domain of alice@origin.test designates"
                    + " 192.0.2.10 as permitted sender; via trusted relay backup-mx 127.0.0.1) client-ip=192.0.2.10;"
                    + " envelope-from=\"alice@origin.test\"; helo=mail.origin.test; receiver=mx.gateway.test;"
                    + " identity=mailfrom; mechanism=\"ip4:192.0.2.10\"\r\n"), text);
            assertTrue(text.contains("\r\nReceived: from backup.ours.test ([127.0.0.1]) by mx.gateway.test"), text);
            String line = gw.awaitLogLine(l -> l.contains("status=relayed"));
            assertTrue(line.contains("trusted=backup-mx trusted_by=networks via=through via_client=[192.0.2.10]"
                    + " spf=pass mechanism=\"ip4:192.0.2.10\""), line);
        }
    }

    @Test
    void anOriginalClientThatFailsIsDeliveredStampedFailForItsIpNeverRefused() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(zone()).trusted(BACKUP_MX).start()) {
            String text = unfolded(relayedByBackupMx(gw, "ceo@victim.test", message(
                    "from spoofer.example (unknown [203.0.113.66])\r\n\tby backup.ours.test (Postfix) with ESMTP"
                            + " id 4XyZ1k3s9Q0\r\n\tfor <bob@ours.test>; Mon, 7 Dec 2026 22:00:02 +0000 (UTC)")));
            assertTrue(text.startsWith("Authentication-Results: mx.gateway.test; spf=fail (mx.gateway.test:"
                    + " 203.0.113.66 evaluated through trusted relay backup-mx 127.0.0.1"), text);
            assertTrue(text.contains("\r\nReceived-SPF: fail (mx.gateway.test: domain of ceo@victim.test does not"
                    + " designate 203.0.113.66 as permitted sender; via trusted relay backup-mx 127.0.0.1)"
                    + " client-ip=203.0.113.66; envelope-from=\"ceo@victim.test\"; helo=spoofer.example;"), text);
            assertFalse(text.contains("client-ip=127.0.0.1"), "never the relay's IP");
            String line = gw.awaitLogLine(l -> l.contains("status=relayed"));
            assertTrue(line.contains("trusted=backup-mx trusted_by=networks via=through via_client=[203.0.113.66]"
                    + " spf=fail mechanism=\"-all\""), line);
            String metrics = gw.gateway.metrics().scrape();
            assertTrue(metrics.contains("spfgate_trusted_total{name=\"backup-mx\"} 1.0"), "counted as trusted");
            assertTrue(metrics.contains("spfgate_spf_checks_total{identity=\"mailfrom\",result=\"fail\"} 1.0"),
                    "and as an SPF check");
            assertFalse(metrics.contains("spfgate_rejections_total{reason=\"spf_fail\"} 1.0"), "never refused");
        }
    }

    static Stream<Arguments> otherMtas() {
        return Stream.of(
                Arguments.of("Exim", "from mail.origin.test ([192.0.2.10] helo=smtp.origin.test)\r\n\tby"
                        + " backup.ours.test with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384\r\n\t(Exim 4.96)\r\n\t"
                        + "(envelope-from <alice@origin.test>)\r\n\tid 1wZ28k-0006Kb-3t; Mon, 07 Dec 2026 22:00:03 +0000",
                        "192.0.2.10", "smtp.origin.test"),
                Arguments.of("Exim, IPv6 without prefix", "from [2001:db8::10] (port=44787 helo=smtp.origin.test)\r\n"
                        + " by backup.ours.test with esmtp (Exim 4.96)", "2001:db8::10", "smtp.origin.test"),
                Arguments.of("Exchange", "from smtp.origin.test (192.0.2.10) by BACKUP01.ours.test\r\n (127.0.0.1)"
                        + " with Microsoft SMTP Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)"
                        + " id 15.2.1544.9; Mon, 7 Dec\r\n 2026 22:00:04 +0000", "192.0.2.10", "smtp.origin.test"),
                Arguments.of("Postfix, IPv6 literal", "from smtp.origin.test (smtp.origin.test [IPv6:2001:db8::10])\r\n"
                        + "\tby backup.ours.test (Postfix) with ESMTPS id 538B487D65", "2001:db8::10", "smtp.origin.test"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherMtas")
    void theReceivedFieldOfOtherMtasNamesTheClient(String mta, String received, String ip, String helo) throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(zone()).trusted(BACKUP_MX).start()) {
            String text = unfolded(relayedByBackupMx(gw, "alice@origin.test", message(received)));
            assertTrue(text.contains("Received-SPF: pass (mx.gateway.test: domain of alice@origin.test designates "
                    + ip + " as permitted sender; via trusted relay backup-mx 127.0.0.1) client-ip="
                    + (ip.contains(":") ? "\"" + ip + "\"" : ip) // RFC 7208 9.1: not a dot-atom, so quoted
                    + "; envelope-from=\"alice@origin.test\"; helo=" + helo + ";"), text);
        }
    }

    static Stream<Arguments> noClient() {
        return Stream.of(
                Arguments.of("Subject: no trace\r\n\r\nHello.\r\n", "the message has no Received field"),
                Arguments.of("Received: by backup.ours.test (Postfix, from userid 1000) id 1A2B;\r\n"
                        + "\tMon, 7 Dec 2026 22:00:05 +0000\r\nSubject: local\r\n\r\nHello.\r\n",
                        "the topmost Received field names no client IP"),
                Arguments.of("Received: from (((garbage [300.1.2.3\r\nSubject: garbled\r\n\r\nHello.\r\n",
                        "the topmost Received field names no client IP"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("noClient")
    void withoutAClientInTheTopmostReceivedItIsNoneSayingWhyAndDelivered(String message, String why) throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(zone()).trusted(BACKUP_MX).start()) {
            String text = unfolded(relayedByBackupMx(gw, "ceo@victim.test", message));
            assertTrue(text.startsWith("Authentication-Results: mx.gateway.test; spf=none (mx.gateway.test: not"
                    + " evaluated through trusted relay backup-mx 127.0.0.1, matched by networks 127.0.0.0/8: " + why
                    + ") smtp.mailfrom=ceo@victim.test\r\n"), text);
            assertFalse(text.contains("Received-SPF:"), text);
            String line = gw.awaitLogLine(l -> l.contains("status=relayed"));
            assertTrue(line.contains("trusted=backup-mx trusted_by=networks via=through via_problem=\"" + why + "\""),
                    line);
        }
    }
}
