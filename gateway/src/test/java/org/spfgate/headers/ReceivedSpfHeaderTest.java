package org.spfgate.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spfgate.spf.SpfIdentity;
import org.spfgate.spf.SpfResult;
import org.spfgate.spf.SpfVerdict;

/** RFC 7208 9.1 Received-SPF: the exact format of docs/contract.md §5, every result, and hostile HELO and senders. */
class ReceivedSpfHeaderTest {

    private final ReceivedSpfHeader header = new ReceivedSpfHeader("mx.example.org");

    static SpfVerdict verdict(SpfResult result, String ip, String sender, String helo, String explanation,
            String decidedBy) {
        String domain = sender.substring(sender.lastIndexOf('@') + 1);
        return new SpfVerdict(result, SpfIdentity.MAILFROM, ip(ip), sender, domain, helo, explanation, decidedBy, 2);
    }

    @Test
    void aFailIsWrittenExactlyAsSpecSectionOneShowsIt() {
        SpfVerdict fail = verdict(SpfResult.FAIL, "192.0.2.1", "alice@example.com", "mail.example.com",
                "example.com does not designate 192.0.2.1 as permitted sender", "-all");
        assertEquals("Received-SPF: fail (mx.example.org: domain of alice@example.com does not designate "
                + "192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from=\"alice@example.com\"; "
                + "helo=mail.example.com; receiver=mx.example.org; identity=mailfrom; mechanism=\"-all\"",
                header.unfolded(fail));
    }

    @Test
    void aPassIsWrittenExactlyAsSpecSectionFiveShowsIt() {
        SpfVerdict pass = verdict(SpfResult.PASS, "192.0.2.1", "alice@example.com", "mail.example.com",
                "", "include:_spf.example.com");
        assertEquals("Received-SPF: pass (mx.example.org: domain of alice@example.com designates 192.0.2.1 "
                + "as permitted sender) client-ip=192.0.2.1; envelope-from=\"alice@example.com\"; "
                + "helo=mail.example.com; receiver=mx.example.org; identity=mailfrom; "
                + "mechanism=\"include:_spf.example.com\"", header.unfolded(pass));
    }

    @Test
    void theFoldedFormBreaksAtSpacesWithinSeventyEightColumns() {
        SpfVerdict fail = verdict(SpfResult.FAIL, "192.0.2.1", "alice@example.com", "mail.example.com", "", "-all");
        assertEquals("Received-SPF: fail (mx.example.org: domain of alice@example.com does not\r\n"
                + " designate 192.0.2.1 as permitted sender) client-ip=192.0.2.1;\r\n"
                + " envelope-from=\"alice@example.com\"; helo=mail.example.com;\r\n"
                + " receiver=mx.example.org; identity=mailfrom; mechanism=\"-all\"\r\n",
                header.folded(fail));
        assertEquals(header.unfolded(fail), FieldReader.singleField(header.folded(fail)));
    }

    static Stream<Arguments> commentPerResult() {
        return Stream.of(
                Arguments.of(SpfResult.PASS, "domain of alice@example.com designates 192.0.2.1 as permitted sender"),
                Arguments.of(SpfResult.FAIL, "domain of alice@example.com does not designate 192.0.2.1 as permitted sender"),
                Arguments.of(SpfResult.SOFTFAIL,
                        "domain of transitioning alice@example.com does not designate 192.0.2.1 as permitted sender"),
                Arguments.of(SpfResult.NEUTRAL, "192.0.2.1 is neither permitted nor denied by domain of alice@example.com"),
                Arguments.of(SpfResult.NONE, "domain of alice@example.com does not designate permitted sender hosts"),
                Arguments.of(SpfResult.TEMPERROR, "temporary error in processing during lookup of alice@example.com"),
                Arguments.of(SpfResult.PERMERROR, "permanent error in processing domain of alice@example.com"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("commentPerResult")
    void eachResultHasItsCommentAndToken(SpfResult result, String comment) {
        Map<String, String> parts = FieldReader.receivedSpf(FieldReader.singleField(header.folded(
                verdict(result, "192.0.2.1", "alice@example.com", "mail.example.com", "", null))));
        assertEquals(result.token(), parts.get("result"));
        assertEquals("mx.example.org: " + comment, parts.get("comment"));
        assertFalse(parts.containsKey("mechanism"), "no mechanism when no term matched");
    }

    @Test
    void errorsCarryTheProblem() {
        SpfVerdict perm = verdict(SpfResult.PERMERROR, "192.0.2.1", "alice@example.com", "mail.example.com",
                "two v=spf1 records at example.com", null);
        Map<String, String> parts = FieldReader.receivedSpf(FieldReader.singleField(header.folded(perm)));
        assertEquals("two v=spf1 records at example.com", parts.get("problem"));
        SpfVerdict temp = verdict(SpfResult.TEMPERROR, "192.0.2.1", "alice@example.com", "mail.example.com",
                "DNS time-out for \"example.com\" TXT", null);
        assertTrue(header.unfolded(temp).endsWith("; identity=mailfrom; problem=\"DNS time-out for \\\"example.com\\\" TXT\""),
                header.unfolded(temp));
        SpfVerdict fail = verdict(SpfResult.FAIL, "192.0.2.1", "alice@example.com", "mail.example.com",
                "go away", "-all");
        assertFalse(header.unfolded(fail).contains("problem="));
    }

    @Test
    void theHeloIdentityIsNamedAsSuch() {
        SpfVerdict helo = new SpfVerdict(SpfResult.PASS, SpfIdentity.HELO, ip("192.0.2.1"),
                "postmaster@mail.example.com", "mail.example.com", "mail.example.com", "", "a", 1);
        assertEquals("Received-SPF: pass (mx.example.org: domain of postmaster@mail.example.com designates "
                + "192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from=\"postmaster@mail.example.com\"; "
                + "helo=mail.example.com; receiver=mx.example.org; identity=helo; mechanism=\"a\"",
                header.unfolded(helo));
    }

    @Test
    void anIpv6ClientIsShortAndQuotedAsKeyValueSyntaxRequires() {
        SpfVerdict v = verdict(SpfResult.PASS, "2001:db8:0:0:0:0:0:1", "alice@example.com", "mail.example.com", "", "ip6:2001:db8::/32");
        Map<String, String> parts = FieldReader.receivedSpf(FieldReader.singleField(header.folded(v)));
        assertEquals("2001:db8::1", parts.get("client-ip"));
        assertTrue(header.unfolded(v).contains(" client-ip=\"2001:db8::1\";"), header.unfolded(v));
    }

    static Stream<Arguments> hostileHelos() {
        return Stream.of(
                Arguments.of("evil\r\nX-Injected: yes", "evil??X-Injected: yes"),
                Arguments.of("evil\nReceived-SPF: pass", "evil?Received-SPF: pass"),
                Arguments.of("a; identity=helo; receiver=attacker", "a; identity=helo; receiver=attacker"),
                Arguments.of("\"quoted\\\"", "\"quoted\\\""),
                Arguments.of("paren(open", "paren(open"),
                Arguments.of("close)paren)", "close)paren)"),
                Arguments.of("nul\u0000byte\u007f", "nul?byte?"),
                Arguments.of("tab\there", "tab here"),
                Arguments.of("ünïcødé.example", "?n?c?d?.example"),
                Arguments.of("emoji\uD83D\uDE00.example", "emoji?.example"),
                Arguments.of("x".repeat(5000), "x".repeat(UntrustedText.MAX_CHARS)),
                Arguments.of("", ""));
    }

    @ParameterizedTest(name = "HELO {index} stays inside its value")
    @MethodSource("hostileHelos")
    void aHostileHeloNeverBreaksOrExtendsTheField(String helo, String expectedValue) {
        SpfVerdict v = new SpfVerdict(SpfResult.NONE, SpfIdentity.HELO, ip("192.0.2.1"),
                "postmaster@" + helo, helo, helo, "", null, 1);
        Map<String, String> parts = FieldReader.receivedSpf(FieldReader.singleField(header.folded(v)));
        assertEquals(expectedValue, parts.get("helo"));
        assertEquals("helo", parts.get("identity"), "identity not overridden");
        assertEquals("mx.example.org", parts.get("receiver"), "receiver not overridden");
        assertEquals(expectedKeys(false), parts.keySet().toString());
    }

    static Stream<Arguments> hostileSenders() {
        return Stream.of(
                Arguments.of("alice@example.com\r\nBcc: victim@example.net"),
                Arguments.of("\"a;b\"@example.com"),
                Arguments.of("\"a\\\"b\"@example.com"),
                Arguments.of("a)(b@example.com"),
                Arguments.of("(((@example.com"),
                Arguments.of("a\\@example.com"),
                Arguments.of("ü@例子.广告"),
                Arguments.of("a".repeat(3000) + "@example.com"),
                Arguments.of("\"" + "\\\"".repeat(600) + "\"@example.com"));
    }

    @ParameterizedTest(name = "sender {index} stays inside its value and the comment")
    @MethodSource("hostileSenders")
    void aHostileSenderNeverBreaksOrExtendsTheField(String sender) {
        SpfVerdict v = verdict(SpfResult.FAIL, "192.0.2.1", sender, "mail.example.com", "x", "-all");
        String folded = header.folded(v);
        Map<String, String> parts = FieldReader.receivedSpf(FieldReader.singleField(folded));
        assertEquals(UntrustedText.clean(sender), parts.get("envelope-from"));
        assertEquals("-all", parts.get("mechanism"));
        assertEquals(expectedKeys(true), parts.keySet().toString());
        assertTrue(parts.get("comment").startsWith("mx.example.org: domain of "), parts.get("comment"));
        for (String line : folded.split("\r\n")) {
            assertTrue(line.length() <= 998, "line of " + line.length());
        }
    }

    @Test
    void aHostileMechanismFromDnsIsQuoted() {
        SpfVerdict v = verdict(SpfResult.FAIL, "192.0.2.1", "alice@example.com", "mail.example.com", "x",
                "-exists:%{l}\";x=\"\r\n.example");
        Map<String, String> parts = FieldReader.receivedSpf(FieldReader.singleField(header.folded(v)));
        assertEquals("-exists:%{l}\";x=\"??.example", parts.get("mechanism"));
    }

    private static String expectedKeys(boolean mechanism) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String k : new String[] {"result", "comment", "client-ip", "envelope-from", "helo", "receiver", "identity"}) {
            keys.put(k, "");
        }
        if (mechanism) {
            keys.put("mechanism", "");
        }
        return keys.keySet().toString();
    }

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
