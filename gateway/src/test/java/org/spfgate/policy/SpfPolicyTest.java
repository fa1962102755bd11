package org.spfgate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spfgate.config.SpfConfig;
import org.spfgate.config.SpfConfig.Action;
import org.spfgate.config.SpfConfig.Mode;
import org.spfgate.policy.Verdict.Accept;
import org.spfgate.policy.Verdict.Refusal;
import org.spfgate.policy.Verdict.Waiver;
import org.spfgate.spf.SpfIdentity;
import org.spfgate.spf.SpfResult;
import org.spfgate.spf.SpfVerdict;

/** The SPF rows of docs/contract.md §3 Replies and the order of HELO and MAIL FROM verdicts. */
class SpfPolicyTest {

    private static final Recipient BOB = new Recipient("bob@example.org", "bob", "example.org");
    private static final Recipient POSTMASTER = new Recipient("PostMaster@example.org", "PostMaster", "example.org");
    private static final Recipient BARE_POSTMASTER = new Recipient("postmaster", "postmaster", "");
    private static final Recipient ABUSE = new Recipient("\"abuse\"@example.org", "abuse", "example.org");

    static Map<SpfResult, Action> defaultActions() {
        Map<SpfResult, Action> actions = new EnumMap<>(SpfResult.class);
        for (SpfResult r : SpfResult.values()) {
            actions.put(r, Action.ACCEPT);
        }
        actions.put(SpfResult.FAIL, Action.REJECT);
        actions.put(SpfResult.TEMPERROR, Action.DEFER);
        return actions;
    }

    static SpfConfig config(Mode mode, boolean checkHelo, Map<SpfResult, Action> actions) {
        return new SpfConfig(mode, checkHelo, actions, List.of("postmaster", "abuse"),
                new SpfConfig.Headers(true, true));
    }

    static SpfVerdict mailFrom(SpfResult result, String explanation) {
        return new SpfVerdict(result, SpfIdentity.MAILFROM, ip("192.0.2.1"), "alice@example.com", "example.com",
                "mail.example.com", explanation, result == SpfResult.FAIL ? "-all" : null, 2);
    }

    static SpfVerdict helo(SpfResult result, String explanation) {
        return new SpfVerdict(result, SpfIdentity.HELO, ip("192.0.2.1"), "postmaster@mail.example.com",
                "mail.example.com", "mail.example.com", explanation, null, 1);
    }

    private final SpfPolicy defaults = new SpfPolicy(config(Mode.ENFORCE, true, defaultActions()));

    static Stream<Arguments> resultActionReply() {
        String failExp = "example.com does not designate 192.0.2.1 as permitted sender";
        return Stream.of(
                Arguments.of(SpfResult.FAIL, Action.REJECT, failExp, "550 5.7.23 " + failExp),
                Arguments.of(SpfResult.FAIL, Action.REJECT, "Mail from %-forged senders is refused, see https://example.com/spf",
                        "550 5.7.23 Mail from %-forged senders is refused, see https://example.com/spf"),
                Arguments.of(SpfResult.FAIL, Action.REJECT, "", "550 5.7.23 " + failExp),
                Arguments.of(SpfResult.SOFTFAIL, Action.REJECT, "x",
                        "550 5.7.23 example.com does not designate 192.0.2.1 as permitted sender (SPF softfail)"),
                Arguments.of(SpfResult.PERMERROR, Action.REJECT, "two v=spf1 records",
                        "550 5.7.24 SPF record of example.com is invalid: two v=spf1 records"),
                Arguments.of(SpfResult.TEMPERROR, Action.REJECT, "DNS time-out for example.com TXT",
                        "550 5.7.24 temporary SPF error for example.com: DNS time-out for example.com TXT"),
                Arguments.of(SpfResult.TEMPERROR, Action.DEFER, "DNS time-out for example.com TXT",
                        "451 4.4.3 temporary SPF error for example.com: DNS time-out for example.com TXT; try again later"),
                Arguments.of(SpfResult.PERMERROR, Action.DEFER, "",
                        "451 4.7.24 SPF record of example.com is invalid; try again later"),
                Arguments.of(SpfResult.SOFTFAIL, Action.DEFER, "",
                        "451 4.7.24 example.com does not designate 192.0.2.1 as permitted sender (SPF softfail); try again later"),
                Arguments.of(SpfResult.FAIL, Action.DEFER, failExp, "451 4.7.24 " + failExp + "; try again later"),
                Arguments.of(SpfResult.NEUTRAL, Action.DEFER, "",
                        "451 4.7.24 SPF neutral for example.com and 192.0.2.1 is not accepted here; try again later"),
                Arguments.of(SpfResult.NONE, Action.REJECT, "",
                        "550 5.7.23 SPF none for example.com and 192.0.2.1 is not accepted here"),
                Arguments.of(SpfResult.NEUTRAL, Action.REJECT, "",
                        "550 5.7.23 SPF neutral for example.com and 192.0.2.1 is not accepted here"),
                Arguments.of(SpfResult.PASS, Action.REJECT, "",
                        "550 5.7.23 SPF pass for example.com and 192.0.2.1 is not accepted here"));
    }

    @ParameterizedTest(name = "{0} with action {1} gives {3}")
    @MethodSource("resultActionReply")
    void eachResultWithARefusingActionGivesItsReply(SpfResult result, Action action, String explanation, String reply) {
        Map<SpfResult, Action> actions = defaultActions();
        actions.put(result, action);
        SpfPolicy policy = new SpfPolicy(config(Mode.ENFORCE, false, actions));
        Verdict verdict = policy.decide(mailFrom(result, explanation), null, BOB);
        Refusal refusal = assertInstanceOf(Refusal.class, verdict);
        assertEquals(reply, refusal.reply().toString());
        assertEquals(RejectionReason.forSpf(result), refusal.reason());
        assertEquals(action == Action.REJECT ? Verdict.Reject.class : Verdict.Defer.class, verdict.getClass());
    }

    @Test
    void aListedMailFromRejectWaitsForDkimExceptForExemptRecipients() {
        SpfPolicy policy = new SpfPolicy(new SpfConfig(Mode.ENFORCE, true, defaultActions(), List.of("postmaster"),
                new SpfConfig.Headers(true, true), Set.of(SpfResult.FAIL)));
        Accept waiting = assertInstanceOf(Accept.class, policy.decide(mailFrom(SpfResult.FAIL, ""), null, BOB));
        assertEquals(Verdict.Waiver.AWAITING_DKIM, waiting.waiver());
        assertEquals("550 5.7.23 example.com does not designate 192.0.2.1 as permitted sender",
                waiting.wouldHaveBeen().orElseThrow().reply().toString());
        Accept exempt = assertInstanceOf(Accept.class, policy.decide(mailFrom(SpfResult.FAIL, ""), null, POSTMASTER));
        assertEquals(Verdict.Waiver.EXEMPT_RECIPIENT, exempt.waiver());
    }

    @Test
    void aHeloFailOrAnUnlistedResultIsNotRescued() {
        Map<SpfResult, Action> actions = defaultActions();
        actions.put(SpfResult.SOFTFAIL, Action.REJECT);
        SpfPolicy policy = new SpfPolicy(new SpfConfig(Mode.ENFORCE, true, actions, List.of("postmaster"),
                new SpfConfig.Headers(true, true), Set.of(SpfResult.FAIL)));
        Refusal helo = assertInstanceOf(Refusal.class,
                policy.decide(mailFrom(SpfResult.PASS, ""), helo(SpfResult.FAIL, ""), BOB));
        assertEquals(RejectionReason.HELO_FAIL, helo.reason());
        assertInstanceOf(Refusal.class, policy.decide(mailFrom(SpfResult.SOFTFAIL, ""), null, BOB));
        assertInstanceOf(Verdict.Defer.class, policy.decide(mailFrom(SpfResult.TEMPERROR, ""), null, BOB));
    }

    @ParameterizedTest(name = "{0} with the default actions is accepted")
    @MethodSource("acceptedByDefault")
    void resultsWhoseDefaultActionIsAcceptAreAccepted(SpfResult result) {
        assertSame(Accept.PLAIN, defaults.decide(mailFrom(result, "whatever"), helo(SpfResult.NONE, ""), BOB));
    }

    static Stream<SpfResult> acceptedByDefault() {
        return Stream.of(SpfResult.PASS, SpfResult.SOFTFAIL, SpfResult.NEUTRAL, SpfResult.NONE, SpfResult.PERMERROR);
    }

    @Test
    void anIpv6ClientIsNamedInItsShortForm() {
        Map<SpfResult, Action> actions = defaultActions();
        actions.put(SpfResult.SOFTFAIL, Action.REJECT);
        SpfVerdict v = new SpfVerdict(SpfResult.SOFTFAIL, SpfIdentity.MAILFROM, ip("2001:db8::1"),
                "alice@example.com", "example.com", "mail.example.com", "", "~all", 1);
        Refusal refusal = (Refusal) new SpfPolicy(config(Mode.ENFORCE, false, actions)).decide(v, null, BOB);
        assertEquals("550 5.7.23 example.com does not designate 2001:db8::1 as permitted sender (SPF softfail)",
                refusal.reply().toString());
    }

    @Test
    void aHeloFailRejectsEvenWhenMailFromPasses() {
        Verdict verdict = defaults.decide(mailFrom(SpfResult.PASS, ""),
                helo(SpfResult.FAIL, "mail.example.com does not designate 192.0.2.1 as permitted sender"), BOB);
        Refusal refusal = assertInstanceOf(Verdict.Reject.class, verdict);
        assertEquals(RejectionReason.HELO_FAIL, refusal.reason());
        assertEquals("550 5.7.23 mail.example.com does not designate 192.0.2.1 as permitted sender",
                refusal.reply().toString());
    }

    @Test
    void aHeloFailWithoutExplanationGetsTheDefaultText() {
        Refusal refusal = (Refusal) defaults.decide(mailFrom(SpfResult.NONE, ""), helo(SpfResult.FAIL, ""), BOB);
        assertEquals("550 5.7.23 mail.example.com does not designate 192.0.2.1 as permitted sender",
                refusal.reply().toString());
    }

    @Test
    void aHeloFailIsIgnoredWhenCheckHeloIsOff() {
        SpfPolicy noHelo = new SpfPolicy(config(Mode.ENFORCE, false, defaultActions()));
        assertSame(Accept.PLAIN, noHelo.decide(mailFrom(SpfResult.PASS, ""), helo(SpfResult.FAIL, "x"), BOB));
    }

    @Test
    void otherHeloResultsDoNotRefuse() {
        for (SpfResult r : List.of(SpfResult.SOFTFAIL, SpfResult.TEMPERROR, SpfResult.PERMERROR, SpfResult.NEUTRAL)) {
            assertSame(Accept.PLAIN, defaults.decide(mailFrom(SpfResult.PASS, ""), helo(r, "x"), BOB), r.token());
        }
    }

    @Test
    void whenBothFailTheMailFromExplanationIsGiven() {
        Refusal refusal = (Refusal) defaults.decide(mailFrom(SpfResult.FAIL, "sender domain says no"),
                helo(SpfResult.FAIL, "helo domain says no"), BOB);
        assertEquals(RejectionReason.SPF_FAIL, refusal.reason());
        assertEquals("550 5.7.23 sender domain says no", refusal.reply().toString());
    }

    @Test
    void aHeloFailBeatsAMailFromDeferral() {
        // retrying a message that will be refused anyway only costs the sender time
        Verdict verdict = defaults.decide(mailFrom(SpfResult.TEMPERROR, "time-out"), helo(SpfResult.FAIL, "no"), BOB);
        assertEquals("550 5.7.23 no", assertInstanceOf(Verdict.Reject.class, verdict).reply().toString());
    }

    @Test
    void exemptRecipientsAreNeverRefusedButTheRefusalIsKept() {
        SpfVerdict fail = mailFrom(SpfResult.FAIL, "no");
        for (Recipient exempt : List.of(POSTMASTER, BARE_POSTMASTER, ABUSE)) {
            Accept accept = assertInstanceOf(Accept.class, defaults.decide(fail, null, exempt), exempt.address());
            assertEquals(Waiver.EXEMPT_RECIPIENT, accept.waiver());
            assertEquals("550 5.7.23 no", accept.wouldHaveBeen().orElseThrow().reply().toString());
        }
        Accept heloFail = (Accept) defaults.decide(mailFrom(SpfResult.PASS, ""), helo(SpfResult.FAIL, "x"), POSTMASTER);
        assertEquals(Waiver.EXEMPT_RECIPIENT, heloFail.waiver());
        Accept deferred = (Accept) defaults.decide(mailFrom(SpfResult.TEMPERROR, "t"), null, ABUSE);
        assertInstanceOf(Verdict.Defer.class, deferred.wouldHaveBeen().orElseThrow());
    }

    @Test
    void aLocalPartThatOnlyUnicodeCaseFoldingMakesExemptIsRefused() {
        // U+017F LONG S upper-cases to "S": "abu\u017Fe" is another mailbox than abuse
        Recipient lookalike = new Recipient("abu\u017Fe@example.org", "abu\u017Fe", "example.org");
        Refusal refusal = assertInstanceOf(Refusal.class, defaults.decide(mailFrom(SpfResult.FAIL, "no"), null, lookalike));
        assertEquals("550 5.7.23 no", refusal.reply().toString());
        Recipient upperCase = new Recipient("ABUSE@example.org", "ABUSE", "example.org");
        assertInstanceOf(Accept.class, defaults.decide(mailFrom(SpfResult.FAIL, "no"), null, upperCase));
    }

    @Test
    void reportOnlyNeverRefusesButSaysWhatWouldHaveBeen() {
        SpfPolicy reportOnly = new SpfPolicy(config(Mode.REPORT_ONLY, true, defaultActions()));
        Accept fail = assertInstanceOf(Accept.class, reportOnly.decide(mailFrom(SpfResult.FAIL, "no"), null, BOB));
        assertEquals(Waiver.REPORT_ONLY, fail.waiver());
        assertEquals("550 5.7.23 no", fail.wouldHaveBeen().orElseThrow().reply().toString());
        Accept temp = assertInstanceOf(Accept.class, reportOnly.decide(mailFrom(SpfResult.TEMPERROR, "t"), null, BOB));
        assertEquals("451 4.4.3 temporary SPF error for example.com: t; try again later",
                temp.wouldHaveBeen().orElseThrow().reply().toString());
        assertSame(Accept.PLAIN, reportOnly.decide(mailFrom(SpfResult.PASS, ""), null, BOB));
    }

    @Test
    void reportOnlyWaivesAHeloFailToo() {
        SpfPolicy reportOnly = new SpfPolicy(config(Mode.REPORT_ONLY, true, defaultActions()));
        Accept accept = assertInstanceOf(Accept.class,
                reportOnly.decide(mailFrom(SpfResult.PASS, ""), helo(SpfResult.FAIL, "helo says no"), BOB));
        assertEquals(Waiver.REPORT_ONLY, accept.waiver());
        assertEquals(RejectionReason.HELO_FAIL, accept.wouldHaveBeen().orElseThrow().reason());
        assertEquals("550 5.7.23 helo says no", accept.wouldHaveBeen().orElseThrow().reply().toString());
    }

    @Test
    void reportOnlyStillCountsAnExemptRecipientAsExempt() {
        SpfPolicy reportOnly = new SpfPolicy(config(Mode.REPORT_ONLY, true, defaultActions()));
        Accept accept = (Accept) reportOnly.decide(mailFrom(SpfResult.FAIL, "no"), null, POSTMASTER);
        assertEquals(Waiver.EXEMPT_RECIPIENT, accept.waiver());
    }

    @Test
    void theNullSenderIsJudgedOnTheVerdictForPostmasterAtHelo() {
        SpfVerdict nullSender = new SpfVerdict(SpfResult.FAIL, SpfIdentity.MAILFROM, ip("192.0.2.1"),
                "postmaster@mail.example.com", "mail.example.com", "mail.example.com", "", "-all", 1);
        Refusal refusal = (Refusal) defaults.decide(nullSender, null, BOB);
        assertEquals("550 5.7.23 mail.example.com does not designate 192.0.2.1 as permitted sender",
                refusal.reply().toString());
    }

    @Test
    void replyTextIsPrintableAsciiOnlyAndBounded() {
        String hostile = "bad\r\n250 OK\u0000 caf\u00e9 " + "x".repeat(1000);
        Refusal refusal = (Refusal) defaults.decide(mailFrom(SpfResult.FAIL, hostile), null, BOB);
        String text = refusal.reply().text();
        assertEquals("5.7.23 bad  250 OK? caf? xxx", text.substring(0, 28));
        assertEquals("5.7.23 ".length() + Verdict.MAX_REPLY_TEXT, text.length());
        assertEquals(-1, text.chars().filter(c -> c < 0x20 || c > 0x7e).findAny().orElse(-1));
    }

    @Test
    void anAcceptCarriesAWaiverExactlyWhenItCarriesARefusal() {
        Verdict.Reject reject = new Verdict.Reject(RejectionReason.SPF_FAIL, "x");
        assertThrows(IllegalArgumentException.class, () -> new Accept(Optional.of(reject), Waiver.NONE));
        assertThrows(IllegalArgumentException.class, () -> new Accept(Optional.empty(), Waiver.REPORT_ONLY));
        assertThrows(IllegalArgumentException.class, () -> new Verdict.Defer(RejectionReason.RELAY_DENIED, "x"));
    }

    static InetAddress ip(String text) {
        return TrustedClientsTest.ip(text);
    }
}
