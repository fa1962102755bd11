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
}
