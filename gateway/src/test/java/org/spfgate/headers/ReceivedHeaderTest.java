package org.spfgate.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spfgate.headers.ReceivedSpfHeaderTest.ip;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.spfgate.headers.SmtpTrace.Protocol;

/** Our RFC 5321 4.4 trace field. */
class ReceivedHeaderTest {

    private static final ZonedDateTime WHEN = ZonedDateTime.of(2026, 11, 23, 13, 28, 48, 0, ZoneOffset.UTC);
    private final ReceivedHeader header = new ReceivedHeader("mx.example.org");

    private static SmtpTrace trace(String helo, String ip, Protocol protocol, List<String> recipients) {
        return new SmtpTrace(helo, ip(ip), protocol, "7F3A2C", recipients, WHEN);
    }

    @Test
    void aSingleRecipientIsNamedWithFor() {
        assertEquals("Received: from mail.example.com ([192.0.2.1]) by mx.example.org (spfgate) with\r\n"
                        + " ESMTPS id 7F3A2C for <bob@example.org>; Mon, 23 Nov 2026 13:28:48 +0000\r\n",
                header.folded(trace("mail.example.com", "192.0.2.1", Protocol.ESMTPS, List.of("bob@example.org"))));
    }

    @Test
    void severalRecipientsAreNotNamed() {
        assertEquals("Received: from mail.example.com ([192.0.2.1]) by mx.example.org (spfgate) with\r\n"
                        + " ESMTP id 7F3A2C; Mon, 23 Nov 2026 13:28:48 +0000\r\n",
                header.folded(trace("mail.example.com", "192.0.2.1", Protocol.ESMTP,
                        List.of("bob@example.org", "carol@example.org"))));
    }

    @Test
    void ipv6ClientsGetAnIpv6AddressLiteral() {
        assertEquals("Received: from [IPv6:2001:db8::25] ([IPv6:2001:db8::25]) by mx.example.org (spfgate) with"
                        + " SMTP id 7F3A2C; Mon, 23 Nov 2026 13:28:48 +0000",
                header.unfolded(trace("[IPv6:2001:db8::25]", "2001:db8:0::25", Protocol.SMTP, List.of())));
    }

    @ParameterizedTest(name = "ehlo={0} tls={1} is {2}")
    @CsvSource({"false, false, SMTP", "true, false, ESMTP", "true, true, ESMTPS"})
    void theWithKeywordFollowsRfc3848(boolean ehlo, boolean tls, Protocol expected) {
        assertEquals(expected, Protocol.of(ehlo, tls));
    }

    @Test
    void theDateIsRfc5322WithEnglishNamesAndANumericZone() {
        assertEquals("Sun, 6 Sep 2026 09:05:01 -0230",
                ReceivedHeader.date(ZonedDateTime.of(2026, 9, 6, 9, 5, 1, 0, ZoneOffset.ofHoursMinutes(-2, -30))));
        assertEquals("Thu, 1 Jan 1970 00:00:00 +0545",
                ReceivedHeader.date(ZonedDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHoursMinutes(5, 45))));
    }

    static Stream<Arguments> unusableHelos() {
        return Stream.of(
                Arguments.of("evil\r\nX-Injected: yes", "evil??X-Injected: yes"),
                Arguments.of("a;b by attacker", "a;b by attacker"),
                Arguments.of("paren(", "paren\\("),
                Arguments.of("x)y", "x\\)y"),
                Arguments.of("back\\slash", "back\\\\slash"),
                Arguments.of("mail.example.com.", "mail.example.com."),
                Arguments.of("-leading.example", "-leading.example"),
                Arguments.of("\u00fcn\u00ef.example", "?n?.example"),
                Arguments.of("", ""));
    }

    @ParameterizedTest(name = "HELO {index} becomes unknown with a safe comment")
    @MethodSource("unusableHelos")
    void aHeloThatIsNotADomainIsWrittenAsUnknown(String helo, String commentText) {
        String folded = header.folded(trace(helo, "192.0.2.1", Protocol.ESMTP, List.of()));
        String unfolded = FieldReader.singleField(folded);
        assertEquals("Received: from unknown (helo=" + commentText + " [192.0.2.1]) by mx.example.org (spfgate)"
                + " with ESMTP id 7F3A2C; Mon, 23 Nov 2026 13:28:48 +0000", unfolded);
    }

    @Test
    void anOverlongHeloStaysWithinTheLineLimit() {
        String folded = header.folded(trace("a".repeat(3000), "192.0.2.1", Protocol.ESMTP, List.of()));
        String unfolded = FieldReader.singleField(folded);
        assertTrue(unfolded.startsWith("Received: from unknown (helo=" + "a".repeat(UntrustedText.MAX_CHARS) + " [192.0.2.1])"),
                unfolded);
    }

    @Test
    void aRecipientThatCouldDisturbTheFieldIsNotNamed() {
        for (String rcpt : List.of("\"a(b\"@example.org", "\"a>b\"@example.org", "\"unclosed@example.org",
                "a\"b@example.org", "a)b@example.org", "\"a\\\"@example.org")) {
            assertEquals("Received: from mail.example.com ([192.0.2.1]) by mx.example.org (spfgate) with ESMTP id"
                            + " 7F3A2C; Mon, 23 Nov 2026 13:28:48 +0000",
                    header.unfolded(trace("mail.example.com", "192.0.2.1", Protocol.ESMTP, List.of(rcpt))), rcpt);
        }
        for (String rcpt : List.of("\"john doe\"@example.org", "\"a\\\\b\"@example.org", "postmaster")) {
            assertTrue(header.unfolded(trace("mail.example.com", "192.0.2.1", Protocol.ESMTP, List.of(rcpt)))
                    .contains(" for <" + rcpt + ">; "), rcpt);
        }
    }

    @Test
    void theIdKeepsOnlySafeCharacters() {
        SmtpTrace t = new SmtpTrace("mail.example.com", ip("192.0.2.1"), Protocol.ESMTP, "ab;c\r\nd e", List.of(), WHEN);
        assertTrue(header.unfolded(t).contains(" id abcde; "), header.unfolded(t));
    }
}
