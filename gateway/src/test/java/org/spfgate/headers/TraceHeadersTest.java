package org.spfgate.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.spfgate.headers.ReceivedSpfHeaderTest.ip;
import static org.spfgate.headers.ReceivedSpfHeaderTest.verdict;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spfgate.config.SpfConfig;
import org.spfgate.spf.SpfIdentity;
import org.spfgate.spf.SpfResult;
import org.spfgate.spf.SpfVerdict;

/** The prepended block: the order of docs/contract.md §5, the spf.headers switches, the trusted form. */
class TraceHeadersTest {

    private static final SmtpTrace TRACE = new SmtpTrace("mail.example.com", ip("192.0.2.1"),
            SmtpTrace.Protocol.ESMTPS, "7F3A2C", List.of("bob@example.org"),
            ZonedDateTime.of(2026, 11, 23, 13, 28, 48, 0, ZoneOffset.UTC));
    private static final SpfVerdict PASS = verdict(SpfResult.PASS, "192.0.2.1", "alice@example.com",
            "mail.example.com", "", "include:_spf.example.com");
    private static final SpfVerdict HELO_PASS = new SpfVerdict(SpfResult.PASS, SpfIdentity.HELO, ip("192.0.2.1"),
            "postmaster@mail.example.com", "mail.example.com", "mail.example.com", "", "a", 1);

    private static final String AR = "Authentication-Results: mx.example.org; spf=pass\r\n"
            + " smtp.mailfrom=alice@example.com smtp.helo=mail.example.com\r\n";
    private static final String RECEIVED_SPF = "Received-SPF: pass (mx.example.org: domain of alice@example.com designates\r\n"
            + " 192.0.2.1 as permitted sender) client-ip=192.0.2.1;\r\n"
            + " envelope-from=\"alice@example.com\"; helo=mail.example.com;\r\n"
            + " receiver=mx.example.org; identity=mailfrom;\r\n"
            + " mechanism=\"include:_spf.example.com\"\r\n";
    private static final String RECEIVED = "Received: from mail.example.com ([192.0.2.1]) by mx.example.org (spfgate) with\r\n"
            + " ESMTPS id 7F3A2C for <bob@example.org>; Mon, 23 Nov 2026 13:28:48 +0000\r\n";

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    void aCheckedMessageGetsTheThreeFieldsInSpecOrder() {
        TraceHeaders headers = new TraceHeaders("mx.example.org", new SpfConfig.Headers(true, true));
        assertEquals(AR + RECEIVED_SPF + RECEIVED, text(headers.checked(TRACE, PASS, HELO_PASS)));
    }

    @Test
    void theSwitchesLeaveOutWhatIsTurnedOffButNeverReceived() {
        assertEquals(RECEIVED_SPF + RECEIVED, text(new TraceHeaders("mx.example.org",
                new SpfConfig.Headers(true, false)).checked(TRACE, PASS, HELO_PASS)));
        assertEquals(AR + RECEIVED, text(new TraceHeaders("mx.example.org",
                new SpfConfig.Headers(false, true)).checked(TRACE, PASS, HELO_PASS)));
        assertEquals(RECEIVED, text(new TraceHeaders("mx.example.org",
                new SpfConfig.Headers(false, false)).checked(TRACE, PASS, HELO_PASS)));
    }

    @Test
    void aHeloResultThatDiffersGetsItsOwnReceivedSpfBelowTheMailFromOne() {
        SpfVerdict heloSoftfail = new SpfVerdict(SpfResult.SOFTFAIL, SpfIdentity.HELO, ip("192.0.2.1"),
                "postmaster@mail.example.com", "mail.example.com", "mail.example.com", "", "~all", 1);
        String block = text(new TraceHeaders("mx.example.org", new SpfConfig.Headers(true, true))
                .checked(TRACE, PASS, heloSoftfail));
        String heloField = new ReceivedSpfHeader("mx.example.org").folded(heloSoftfail);
        assertEquals(AR + RECEIVED_SPF + heloField + RECEIVED, block);
        assertEquals("helo", FieldReader.receivedSpf(FieldReader.singleField(heloField)).get("identity"));
    }

    @Test
    void aTrustedClientGetsNoReceivedSpfAndAnAuthenticationResultsNamingTheEntry() {
        TraceHeaders headers = new TraceHeaders("mx.example.org", new SpfConfig.Headers(true, true));
        assertEquals("Authentication-Results: mx.example.org; spf=none (mx.example.org: 192.0.2.1 is\r\n"
                + " trusted relay backup-mx; SPF not checked)\r\n" + RECEIVED, text(headers.trusted(TRACE, "backup-mx")));
    }

    private static final SmtpTrace FROM_RELAY = new SmtpTrace("backup.example.org", ip("198.51.100.7"),
            SmtpTrace.Protocol.ESMTP, "7F3A2D", List.of("bob@example.org"),
            ZonedDateTime.of(2026, 11, 23, 13, 28, 48, 0, ZoneOffset.UTC));
    private static final String RELAY_RECEIVED = "Received: from backup.example.org ([198.51.100.7]) by mx.example.org (spfgate)\r\n"
            + " with ESMTP id 7F3A2D for <bob@example.org>; Mon, 23 Nov 2026 13:28:48 +0000\r\n";

    @Test
    void aSkippedTrustedClientsAuthenticationResultsNamesTheMatcherToo() {
        TraceHeaders headers = new TraceHeaders("mx.example.org", new SpfConfig.Headers(true, true));
        assertEquals("Authentication-Results: mx.example.org; spf=none (mx.example.org: 198.51.100.7\r\n"
                + " is trusted relay backup-mx; SPF not checked; matched by networks\r\n"
                + " 198.51.100.0/28)\r\n"
                + RELAY_RECEIVED, text(headers.trusted(FROM_RELAY, "backup-mx", "networks 198.51.100.0/28")));
    }

    @Test
    void throughATrustedRelayBothFieldsAreForTheOriginalClientAndNameTheRelay() {
        SpfVerdict original = new SpfVerdict(SpfResult.FAIL, SpfIdentity.MAILFROM, ip("203.0.113.5"),
                "alice@example.com", "example.com", "mail.forger.example",
                "example.com does not designate 203.0.113.5", "-all", 1);
        TraceHeaders headers = new TraceHeaders("mx.example.org", new SpfConfig.Headers(true, true));
        String block = text(headers.through(FROM_RELAY, "backup-mx", "networks 198.51.100.0/28", original));
        assertEquals("Authentication-Results: mx.example.org; spf=fail (mx.example.org: 203.0.113.5\r\n"
                + " evaluated through trusted relay backup-mx 198.51.100.7, matched by networks\r\n"
                + " 198.51.100.0/28) smtp.mailfrom=alice@example.com\r\n"
                + "Received-SPF: fail (mx.example.org: domain of alice@example.com does not\r\n"
                + " designate 203.0.113.5 as permitted sender; via trusted relay backup-mx\r\n"
                + " 198.51.100.7) client-ip=203.0.113.5; envelope-from=\"alice@example.com\";\r\n"
                + " helo=mail.forger.example; receiver=mx.example.org; identity=mailfrom;\r\n"
                + " mechanism=\"-all\"\r\n"
                + RELAY_RECEIVED, block);
        String receivedSpf = block.substring(block.indexOf("Received-SPF:"), block.indexOf("Received: "));
        assertEquals("203.0.113.5", FieldReader.receivedSpf(FieldReader.singleField(receivedSpf)).get("client-ip"));
    }

    @Test
    void throughATrustedRelayWithoutAClientToEvaluateIsNoneSayingWhy() {
        TraceHeaders headers = new TraceHeaders("mx.example.org", new SpfConfig.Headers(true, true));
        assertEquals("Authentication-Results: mx.example.org; spf=none (mx.example.org: not\r\n"
                + " evaluated through trusted relay backup-mx 198.51.100.7, matched by mx_of\r\n"
                + " example.org: the message has no Received field)\r\n"
                + " smtp.mailfrom=alice@example.com\r\n" + RELAY_RECEIVED,
                text(headers.notEvaluatedThrough(FROM_RELAY, "backup-mx", "mx_of example.org", "alice@example.com",
                        "the message has no Received field")));
    }

    @Test
    void throughHeadersRespectTheSwitches() {
        SpfVerdict original = new SpfVerdict(SpfResult.PASS, SpfIdentity.MAILFROM, ip("2001:db8::5"),
                "alice@example.com", "example.com", "mail.example.com", "", "a", 1);
        TraceHeaders noReceivedSpf = new TraceHeaders("mx.example.org", new SpfConfig.Headers(false, true));
        TraceHeaders none = new TraceHeaders("mx.example.org", new SpfConfig.Headers(false, false));
        String block = text(noReceivedSpf.through(FROM_RELAY, "our-mx", "mx_of example.org", original));
        assertEquals(false, block.contains("Received-SPF"));
        assertEquals(true, block.replace("\r\n ", " ").startsWith("Authentication-Results: mx.example.org; spf=pass"
                + " (mx.example.org: 2001:db8::5 evaluated"), block);
        assertEquals(RELAY_RECEIVED, text(none.through(FROM_RELAY, "our-mx", "mx_of example.org", original)));
    }
}
