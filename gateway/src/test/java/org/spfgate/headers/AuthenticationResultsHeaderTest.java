package org.spfgate.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.spfgate.headers.ReceivedSpfHeaderTest.ip;
import static org.spfgate.headers.ReceivedSpfHeaderTest.verdict;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spfgate.spf.SpfIdentity;
import org.spfgate.spf.SpfResult;
import org.spfgate.spf.SpfVerdict;

/** RFC 8601 Authentication-Results as docs/contract.md §5 shows it, with hostile values quoted. */
class AuthenticationResultsHeaderTest {

    private final AuthenticationResultsHeader header = new AuthenticationResultsHeader("mx.example.org");

    private static SpfVerdict helo(SpfResult result, String helo) {
        return new SpfVerdict(result, SpfIdentity.HELO, ip("192.0.2.1"), "postmaster@" + helo, helo, helo, "", null, 1);
    }

    @Test
    void aCheckedMessageIsWrittenExactlyAsSpecSectionFiveShowsIt() {
        SpfVerdict pass = verdict(SpfResult.PASS, "192.0.2.1", "alice@example.com", "mail.example.com", "", "a");
        assertEquals("Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=alice@example.com "
                + "smtp.helo=mail.example.com", header.spfUnfolded(pass, helo(SpfResult.PASS, "mail.example.com")));
        assertEquals("Authentication-Results: mx.example.org; spf=pass\r\n"
                + " smtp.mailfrom=alice@example.com smtp.helo=mail.example.com\r\n", header.spf(pass, helo(SpfResult.PASS, "mail.example.com")));
    }

    @Test
    void withoutAHeloCheckThereIsNoSmtpHelo() {
        SpfVerdict fail = verdict(SpfResult.SOFTFAIL, "192.0.2.1", "alice@example.com", "mail.example.com", "", "~all");
        assertEquals("Authentication-Results: mx.example.org; spf=softfail\r\n smtp.mailfrom=alice@example.com\r\n",
                header.spf(fail, null));
    }

    @Test
    void theNullSenderIsReportedAsPostmasterAtTheHelo() {
        SpfVerdict nullSender = new SpfVerdict(SpfResult.PASS, SpfIdentity.MAILFROM, ip("192.0.2.1"),
                "postmaster@mail.example.com", "mail.example.com", "mail.example.com", "", "a", 1);
        assertEquals(Map.of("authserv-id", "mx.example.org", "spf", "pass",
                        "smtp.mailfrom", "postmaster@mail.example.com", "smtp.helo", "mail.example.com"),
                FieldReader.authenticationResults(FieldReader.singleField(
                        header.spf(nullSender, helo(SpfResult.PASS, "mail.example.com")))));
    }

    @Test
    void aTrustedClientIsWrittenExactlyAsSpecSectionFiveShowsIt() {
        assertEquals("Authentication-Results: mx.example.org; spf=none (mx.example.org: 198.51.100.7 is "
                + "trusted relay backup-mx; SPF not checked)", header.trustedUnfolded(ip("198.51.100.7"), "backup-mx", null));
        Map<String, String> parts = FieldReader.authenticationResults(FieldReader.singleField(
                header.trusted(ip("::ffff:198.51.100.7"), "backup-mx")));
        assertEquals("none", parts.get("spf"));
        assertEquals("mx.example.org: 198.51.100.7 is trusted relay backup-mx; SPF not checked", parts.get("comment"));
    }

    @Test
    void aTrustedNameWithParenthesesStaysInsideTheComment() {
        Map<String, String> parts = FieldReader.authenticationResults(FieldReader.singleField(
                header.trusted(ip("2001:db8:1::7"), "odd) name (x")));
        assertEquals("mx.example.org: 2001:db8:1::7 is trusted relay odd) name (x; SPF not checked)".replace(" checked)", " checked"),
                parts.get("comment"));
    }

    static Stream<Arguments> hostileIdentities() {
        return Stream.of(
                // sender, helo, expected smtp.mailfrom, expected smtp.helo
                Arguments.of("alice@example.com", "evil\r\nAuthentication-Results: mx.example.org; spf=pass",
                        "alice@example.com", "evil??Authentication-Results: mx.example.org; spf=pass"),
                Arguments.of("\"a b\"@example.com", "a;b", "\"a b\"@example.com", "a;b"),
                Arguments.of("a@b@example.com", "(comment)", "a@b@example.com", "(comment)"),
                Arguments.of("x\"y@example.com", "quote\"\\", "x\"y@example.com", "quote\"\\"),
                Arguments.of("bare-domain.example", "[192.0.2.1]", "bare-domain.example", "[192.0.2.1]"),
                Arguments.of("ü@例子.广告", "héllo", "?@??.??", "h?llo"),
                Arguments.of("a".repeat(4000) + "@example.com", "x".repeat(4000),
                        "a".repeat(UntrustedText.MAX_CHARS), "x".repeat(UntrustedText.MAX_CHARS)),
                Arguments.of("", "", "", ""));
    }

    @ParameterizedTest(name = "identities {index} are single well-formed properties")
    @MethodSource("hostileIdentities")
    void hostileIdentitiesAreQuotedAndNeverBreakTheField(String sender, String heloName, String mailfrom, String heloValue) {
        SpfVerdict mailFrom = new SpfVerdict(SpfResult.FAIL, SpfIdentity.MAILFROM, ip("192.0.2.1"), sender,
                "example.com", heloName, "", "-all", 1);
        Map<String, String> parts = FieldReader.authenticationResults(FieldReader.singleField(
                header.spf(mailFrom, helo(SpfResult.NONE, heloName))));
        assertEquals(Map.of("authserv-id", "mx.example.org", "spf", "fail", "smtp.mailfrom", mailfrom,
                "smtp.helo", heloValue), parts);
    }
}
