package org.spfgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;

/**
 * {@code check} as docs/contract.md §1 describes it, run in-process against a real DNS server on loopback
 * ({@code --dns}): every output line and the exit code of each result.
 */
class CheckCommandTest {

    private static final GatewayLauncher NEVER = (config, file) -> {
        throw new AssertionError("check must not start the gateway");
    };

    private static TestDnsServer dns;

    @BeforeAll
    static void startDns() {
        TestZone zone = new TestZone()
                .txt("example.com", "v=spf1 a mx -all exp=explain.example.com")
                .txt("explain.example.com", "%{i} is not one of %{d}'s designated mail servers")
                .a("example.com", "192.0.2.10")
                .mx("example.com", 10, "mail.example.com")
                .a("mail.example.com", "192.0.2.20")
                .txt("soft.example.com", "v=spf1 ip4:192.0.2.0/24 ~all")
                .txt("neutral.example.com", "v=spf1 ?all")
                .a("nospf.example.com", "192.0.2.30")
                .txt("slow.example.com", "v=spf1 include:timeout.example.com -all")
                .txt("timeout.example.com", "v=spf1 +all")
                .timeout("timeout.example.com")
                .txt("broken.example.com", "v=spf1 ip4:192.0.2.0/33 -all")
                .txt("helo.example.net", "v=spf1 ip6:2001:db8::/32 -all")
                .txt("xn--bcher-kva.example", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("lint.example.com", "v=spf1 ip4:192.0.2.0/24 ptr include:norecord.example.com ?all")
                .a("norecord.example.com", "192.0.2.99");
        dns = TestDnsServer.start(zone);
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    private static CommandLineRun check(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "check";
        all[1] = "--dns";
        all[2] = "127.0.0.1:" + dns.port();
        all[3] = "--receiver";
        all[4] = "mx.example.org";
        System.arraycopy(args, 0, all, 5, args.length);
        return CommandLineRun.of(NEVER, all);
    }

    @Test
    void passPrintsTheResultTheDecidingTermAndTheHeaderAndExitsZero() {
        assertPrints(check("--ip", "192.0.2.20", "--sender", "alice@example.com", "--helo", "mail.example.org"), 0,
                "pass",
                "explanation: example.com designates 192.0.2.20 as permitted sender",
                "decided-by: mx",
                "lookups: 2",
                "Received-SPF: pass (mx.example.org: domain of alice@example.com designates 192.0.2.20 as permitted sender)"
                        + " client-ip=192.0.2.20; envelope-from=\"alice@example.com\"; helo=mail.example.org;"
                        + " receiver=mx.example.org; identity=mailfrom; mechanism=\"mx\"");
    }

    @Test
    void failPrintsTheDomainsExplanationAndExitsOne() {
        assertPrints(check("--ip", "203.0.113.5", "--sender", "alice@example.com", "--helo", "mail.example.org"), 1,
                "fail",
                "explanation: 203.0.113.5 is not one of example.com's designated mail servers",
                "decided-by: -all",
                "lookups: 2",
                "Received-SPF: fail (mx.example.org: domain of alice@example.com does not designate 203.0.113.5 as"
                        + " permitted sender) client-ip=203.0.113.5; envelope-from=\"alice@example.com\";"
                        + " helo=mail.example.org; receiver=mx.example.org; identity=mailfrom; mechanism=\"-all\"");
    }

    @Test
    void softfailExitsTwo() {
        assertPrints(check("--ip", "203.0.113.5", "--sender", "bob@soft.example.com", "--helo", "mail.example.org"), 2,
                "softfail",
                "explanation: soft.example.com does not designate 203.0.113.5 as permitted sender but asks not to reject"
                        + " (softfail)",
                "decided-by: ~all",
                "lookups: 0",
                "Received-SPF: softfail (mx.example.org: domain of transitioning bob@soft.example.com does not designate"
                        + " 203.0.113.5 as permitted sender) client-ip=203.0.113.5; envelope-from=\"bob@soft.example.com\";"
                        + " helo=mail.example.org; receiver=mx.example.org; identity=mailfrom; mechanism=\"~all\"");
    }

    @Test
    void neutralExitsThree() {
        assertPrints(check("--ip", "203.0.113.5", "--sender", "carol@neutral.example.com"), 3,
                "neutral",
                "explanation: neutral.example.com neither permits nor denies 203.0.113.5",
                "decided-by: ?all",
                "lookups: 0",
                "Received-SPF: neutral (mx.example.org: 203.0.113.5 is neither permitted nor denied by domain of"
                        + " carol@neutral.example.com) client-ip=203.0.113.5; envelope-from=\"carol@neutral.example.com\";"
                        + " helo=\"\"; receiver=mx.example.org; identity=mailfrom; mechanism=\"?all\"");
    }

    @Test
    void aDomainWithoutSpfRecordIsNoneDecidedByNoTermAndExitsFour() {
        assertPrints(check("--ip", "203.0.113.5", "--sender", "dave@nospf.example.com", "--helo", "mail.example.org"), 4,
                "none",
                "explanation: nospf.example.com publishes no SPF record",
                "decided-by: (none)",
                "lookups: 0",
                "Received-SPF: none (mx.example.org: domain of dave@nospf.example.com does not designate permitted sender"
                        + " hosts) client-ip=203.0.113.5; envelope-from=\"dave@nospf.example.com\"; helo=mail.example.org;"
                        + " receiver=mx.example.org; identity=mailfrom");
    }

    @Test
    void aDnsTimeOutIsTemperrorAndExitsFive() {
        String problem = "temperror: DNS error looking up TXT timeout.example.com: DNS time-out: timeout.example.com. TXT";
        assertPrints(check("--query-timeout", "300ms", "--ip", "203.0.113.5", "--sender", "erin@slow.example.com"), 5,
                "temperror",
                "explanation: " + problem,
                "decided-by: (none)",
                "lookups: 1",
                "Received-SPF: temperror (mx.example.org: temporary error in processing during lookup of"
                        + " erin@slow.example.com) client-ip=203.0.113.5; envelope-from=\"erin@slow.example.com\"; helo=\"\";"
                        + " receiver=mx.example.org; identity=mailfrom; problem=\"" + problem + "\"");
    }

    @Test
    void aBrokenRecordIsPermerrorSayingWhereAndExitsSix() {
        String problem = "permerror: CIDR length 33 over 32 in 'ip4:192.0.2.0/33' at term 1 of broken.example.com";
        assertPrints(check("--ip", "203.0.113.5", "--sender", "frank@broken.example.com"), 6,
                "permerror",
                "explanation: " + problem,
                "decided-by: (none)",
                "lookups: 0",
                "Received-SPF: permerror (mx.example.org: permanent error in processing domain of frank@broken.example.com)"
                        + " client-ip=203.0.113.5; envelope-from=\"frank@broken.example.com\"; helo=\"\";"
                        + " receiver=mx.example.org; identity=mailfrom; problem=\"" + problem + "\"");
    }

    @Test
    void theNullSenderIsCheckedAsPostmasterAtTheHeloName() {
        assertPrints(check("--ip", "192.0.2.20", "--sender", "", "--helo", "example.com"), 0,
                "pass",
                "explanation: example.com designates 192.0.2.20 as permitted sender",
                "decided-by: mx",
                "lookups: 2",
                "Received-SPF: pass (mx.example.org: domain of postmaster@example.com designates 192.0.2.20 as permitted"
                        + " sender) client-ip=192.0.2.20; envelope-from=\"postmaster@example.com\"; helo=example.com;"
                        + " receiver=mx.example.org; identity=mailfrom; mechanism=\"mx\"");
    }

    @Test
    void aSenderWithoutAtIsABareDomainCheckedAsPostmaster() {
        CommandLineRun r = check("--ip", "192.0.2.20", "--sender", "example.com", "--helo", "mail.example.org");
        assertEquals("pass", r.out().get(0));
        assertTrue(r.out().get(4).contains(" envelope-from=\"postmaster@example.com\";"), r.out().get(4));
        assertEquals(0, r.exitCode());
    }

    @Test
    void anIpv4MappedIpv6ClientIsCheckedAsIpv4() {
        CommandLineRun r = check("--ip", "::ffff:203.0.113.5", "--sender", "alice@example.com", "--helo", "mail.example.org");
        assertEquals("fail", r.out().get(0));
        assertEquals("explanation: 203.0.113.5 is not one of example.com's designated mail servers", r.out().get(1));
        assertEquals(1, r.exitCode());
    }

    @Test
    void theHeloIdentityChecksTheHeloNameOverIpv6() {
        assertPrints(check("--identity", "helo", "--ip", "2001:db8::25", "--helo", "helo.example.net"), 0,
                "pass",
                "explanation: helo.example.net designates 2001:db8::25 as permitted sender",
                "decided-by: ip6:2001:db8::/32",
                "lookups: 0",
                "Received-SPF: pass (mx.example.org: domain of postmaster@helo.example.net designates 2001:db8::25 as"
                        + " permitted sender) client-ip=\"2001:db8::25\"; envelope-from=\"postmaster@helo.example.net\";"
                        + " helo=helo.example.net; receiver=mx.example.org; identity=helo; mechanism=\"ip6:2001:db8::/32\"");
    }

    @Test
    void anInternationalizedSenderDomainIsCheckedUnderItsALabel() {
        CommandLineRun r = check("--ip", "203.0.113.5", "--sender", "jörg@bücher.example", "--helo", "mail.example.org");
        assertEquals("fail", r.out().get(0));
        assertEquals("explanation: xn--bcher-kva.example does not designate 203.0.113.5 as permitted sender",
                r.out().get(1));
        assertEquals("decided-by: -all", r.out().get(2));
        assertEquals(1, r.exitCode());
    }

    @Test
    void everyQueryGoesToTheGivenServer() {
        dns.resetCounts();
        check("--ip", "192.0.2.20", "--sender", "alice@example.com", "--helo", "mail.example.org");
        assertEquals(1, dns.queryCount("example.com", "TXT"));
        assertEquals(1, dns.queryCount("example.com", "MX"));
    }

    @Test
    void lintWarnsAfterTheUsualOutputOneCodePerLineAndKeepsTheResultsExitCode() {
        CommandLineRun r = check("--lint", "--ip", "192.0.2.7", "--sender", "gina@lint.example.com",
                "--helo", "mail.example.org");
        assertEquals("pass", r.out().get(0));
        assertEquals("decided-by: ip4:192.0.2.0/24", r.out().get(2));
        assertEquals(List.of(
                "lint: ptr-mechanism: 'ptr' in the record of lint.example.com is slow, unreliable and ignored by some"
                        + " receivers (SHOULD NOT be used): list the sending hosts with ip4, ip6 or a (RFC 7208 5.5)",
                "lint: include-without-record: 'include:norecord.example.com' of lint.example.com names a domain"
                        + " without an SPF record, a permerror for every client that reaches it: remove the include,"
                        + " or publish a record at norecord.example.com (RFC 7208 5.2)",
                "lint: neutral-all: '?all' in the record of lint.example.com says nothing about hosts it does not"
                        + " list, which protects nothing: end the record with -all or ~all (RFC 7208 5.1)"),
                r.out().subList(5, r.out().size()));
        assertEquals(0, r.exitCode());
    }

    @Test
    void lintOfACleanRecordPrintsNothingMore() {
        CommandLineRun plain = check("--ip", "203.0.113.5", "--sender", "alice@example.com", "--helo", "mail.example.org");
        CommandLineRun linted = check("--lint", "--ip", "203.0.113.5", "--sender", "alice@example.com",
                "--helo", "mail.example.org");
        assertEquals(plain.out(), linted.out());
        assertEquals(1, linted.exitCode());
    }

    @Test
    void usageErrorsExitWith64AndSayWhatIsWrong() {
        assertUsage(check("--sender", "alice@example.com"), "Missing required option: '--ip=IP'");
        assertUsage(check("--ip", "192.0.2.300", "--sender", "alice@example.com"),
                "Invalid value for option '--ip': not an IP address: \"192.0.2.300\" (an IPv4 or IPv6 address, e.g. 192.0.2.1)");
        assertUsage(check("--ip", "mail.example.com", "--sender", "alice@example.com"),
                "Invalid value for option '--ip': not an IP address: \"mail.example.com\" (an IPv4 or IPv6 address, e.g. 192.0.2.1)");
        assertUsage(check("--ip", "192.0.2.1"), "--sender ADDR is required (--sender '' is the null sender)");
        assertUsage(check("--ip", "192.0.2.1", "--sender", ""),
                "the null sender (--sender '') is checked as postmaster@<helo>: it needs --helo NAME");
        assertUsage(check("--ip", "192.0.2.1", "--identity", "helo"), "--identity helo needs --helo NAME");
        assertUsage(check("--ip", "192.0.2.1", "--sender", "a@b.example", "--identity", "pra"),
                "Invalid value for option '--identity': expected mailfrom or helo, got 'pra'");
        assertUsage(CommandLineRun.of(NEVER, "check", "--dns", "[::1", "--ip", "192.0.2.1", "--sender", "a@b.example"),
                "Invalid value for option '--dns': write an IPv6 address in brackets, e.g. \"[::1]:25\": \"[::1\"");
        assertUsage(check("--ip", "192.0.2.1", "--sender", "a@b.example", "--bogus"), "Unknown option: '--bogus'");
    }

    /** The run prints exactly these lines (result, explanation, deciding term, lookups, header) and exits so. */
    private static void assertPrints(CommandLineRun r, int exitCode, String... lines) {
        assertEquals(List.of(lines), r.out());
        assertEquals(exitCode, r.exitCode());
    }

    private static void assertUsage(CommandLineRun r, String firstErrorLine) {
        assertEquals(64, r.exitCode(), r.err().toString());
        assertEquals(List.of(), r.out());
        assertEquals(firstErrorLine, r.err().get(0));
    }
}
