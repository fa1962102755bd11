package org.spfgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;

/**
 * {@code explain} as an administrator runs it: a config file, the test DNS server on loopback,
 * and the whole output compared line by line (golden output). The Received line's id and date
 * change with every run and are masked.
 */
class ExplainCommandTest {

    private static final GatewayLauncher NEVER = (config, file) -> {
        throw new AssertionError("explain must not start the gateway");
    };

    private static TestDnsServer dns;
    @TempDir
    static Path directory;
    private static Path config;
    /** Every other trust matcher, {@code mx_of} with {@code spf: through}. */
    private static Path trustConfig;
    /** {@code spf.dkim_rescue: [fail]}. */
    private static Path rescueConfig;

    @BeforeAll
    static void start() throws IOException {
        dns = TestDnsServer.start(new TestZone()
                .txt("sender.example", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("mail.sender.example", "v=spf1 a -all")
                .a("mail.sender.example", "192.0.2.25")
                .txt("forged.example", "v=spf1 mx -all exp=why.forged.example")
                .mx("forged.example", 10, "mx.forged.example")
                .a("mx.forged.example", "198.51.100.9")
                .txt("why.forged.example", "%{d} never sends mail from %{i}")
                .txt("slow.example", "v=spf1 include:dead.slow.example -all")
                .timeout("dead.slow.example")
                .ptr("203.0.113.77", "relay.forward.example.edu")
                .a("relay.forward.example.edu", "203.0.113.77")
                .mx("ours.example", 10, "mx2.ours.example")
                .a("mx2.ours.example", "198.51.100.40")
                .txt("_spf.forwarder.example", "v=spf1 ip4:203.0.113.128/25 -all"));
        config = directory.resolve("spfgate.yaml");
        Files.writeString(config, """
                server: { hostname: mx.ours.example, listen: ["127.0.0.1:2525"] }
                domains: [ours.example]
                relay: { host: 127.0.0.1, port: 9, verify_recipients: true }
                dns: { servers: ["127.0.0.1:%d"], query_timeout: 300ms, check_timeout: 2s }
                spf:
                  check_helo: true
                  actions: { fail: reject, temperror: defer }
                trusted:
                  - name: backup-mx
                    networks: [198.51.100.0/28]
                  - name: university-forwarder
                    hostnames: ["*.forward.example.edu"]
                metrics: { listen: null }
                """.formatted(dns.port()));
        trustConfig = directory.resolve("trust.yaml");
        Files.writeString(trustConfig, """
                server: { hostname: mx.ours.example, listen: ["127.0.0.1:2525"] }
                domains: [ours.example]
                relay: { host: 127.0.0.1, port: 9, verify_recipients: true }
                dns: { servers: ["127.0.0.1:%d"], query_timeout: 300ms, check_timeout: 2s }
                spf: { actions: { fail: reject } }
                trusted:
                  - name: our-mx
                    mx_of: [ours.example]
                    spf: through
                  - name: forwarder
                    spf_domains: [_spf.forwarder.example]
                metrics: { listen: null }
                """.formatted(dns.port()));
        rescueConfig = directory.resolve("rescue.yaml");
        Files.writeString(rescueConfig, """
                server: { hostname: mx.ours.example, listen: ["127.0.0.1:2525"] }
                domains: [ours.example]
                relay: { host: 127.0.0.1, port: 9, verify_recipients: true }
                dns: { servers: ["127.0.0.1:%d"], query_timeout: 300ms, check_timeout: 2s }
                spf: { actions: { fail: reject }, dkim_rescue: [fail] }
                metrics: { listen: null }
                """.formatted(dns.port()));
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static CommandLineRun explain(String... args) {
        return explainWith(config, args);
    }

    private static CommandLineRun explainWith(Path configFile, String... args) {
        List<String> all = new ArrayList<>(List.of("explain", "--config", configFile.toString()));
        all.addAll(List.of(args));
        return CommandLineRun.of(NEVER, all.toArray(String[]::new));
    }

    /** Explains and compares every line; the Received field is unfolded and its id and date masked. */
    private static void assertExplains(int exitCode, List<String> expected, String... args) {
        assertExplainsWith(config, exitCode, expected, args);
    }

    private static void assertExplainsWith(Path configFile, int exitCode, List<String> expected, String... args) {
        CommandLineRun r = explainWith(configFile, args);
        assertEquals(expected, golden(r.out()), String.join("\n", r.out()) + "\n" + String.join("\n", r.err()));
        assertEquals(exitCode, r.exitCode());
    }

    /** The header block unfolded (RFC 5322 2.2.3), the Received field's id and date masked. */
    static List<String> golden(List<String> out) {
        List<String> lines = new ArrayList<>();
        boolean headers = false;
        for (String line : out) {
            headers |= line.matches("^(Authentication-Results|Received-SPF|Received): .*");
            if (headers && line.startsWith(" ")) {
                lines.set(lines.size() - 1, lines.get(lines.size() - 1) + line);
            } else {
                lines.add(line);
            }
        }
        lines.replaceAll(l -> l.startsWith("Received: ")
                ? l.replaceAll(" id [0-9A-Z]+ ", " id ID ").replaceAll("; [^;]+$", "; DATE") : l);
        return lines;
    }

    private static final List<String> HELO_PASS = List.of(
            "spf helo: pass",
            "  check_host mail.sender.example",
            "    TXT mail.sender.example: found \"v=spf1 a -all\"",
            "    record: v=spf1 a -all",
            "    a",
            "      A mail.sender.example: found 192.0.2.25",
            "      a: match",
            "    mail.sender.example: pass",
            "  lookups: 1 of 10; void lookups: 0 of 2",
            "  decided by: a");

    /** Strings and lists of strings, in order, as one list of lines. */
    private static List<String> concat(Object... parts) {
        List<String> all = new ArrayList<>();
        for (Object part : parts) {
            if (part instanceof List<?> list) {
                list.forEach(line -> all.add((String) line));
            } else {
                all.add((String) part);
            }
        }
        return all;
    }

    @Test
    void aPassingSenderIsAcceptedAndTheHeadersAreThoseOfAPass() {
        assertExplains(0, concat("trusted: no", "  no trusted network matches and 192.0.2.25 has no PTR name", HELO_PASS,
                "spf mailfrom: pass",
                "  check_host sender.example",
                "    TXT sender.example: found \"v=spf1 ip4:192.0.2.0/24 -all\"",
                "    record: v=spf1 ip4:192.0.2.0/24 -all",
                "    ip4:192.0.2.0/24: match",
                "    sender.example: pass",
                "  lookups: 0 of 10; void lookups: 0 of 2",
                "  decided by: ip4:192.0.2.0/24",
                "action: pass -> accept (spf.actions.pass); exempt recipients: postmaster, abuse",
                "rcpt bob@ours.example: accepted; the internal server's own reply to RCPT would follow"
                        + " (not asked: explain sends nothing)",
                "Authentication-Results: mx.ours.example; spf=pass smtp.mailfrom=alice@sender.example"
                        + " smtp.helo=mail.sender.example",
                "Received-SPF: pass (mx.ours.example: domain of alice@sender.example designates 192.0.2.25 as"
                        + " permitted sender) client-ip=192.0.2.25; envelope-from=\"alice@sender.example\";"
                        + " helo=mail.sender.example; receiver=mx.ours.example; identity=mailfrom;"
                        + " mechanism=\"ip4:192.0.2.0/24\"",
                "Received: from mail.sender.example ([192.0.2.25]) by mx.ours.example (spfgate) with ESMTP"
                        + " id ID for <bob@ours.example>; DATE"),
                "--ip", "192.0.2.25", "--helo", "mail.sender.example", "--from", "alice@sender.example",
                "--rcpt", "bob@ours.example");
    }

    @Test
    void aFailIsRefusedWithTheDomainsExplanationButPostmasterIsExemptAndAForeignDomainIsRelayDenied() {
        assertExplains(1, concat("trusted: no", "  no trusted network matches and 192.0.2.25 has no PTR name", HELO_PASS,
                FORGED_FAIL,
                "action: fail -> reject (spf.actions.fail); exempt recipients: postmaster, abuse",
                "rcpt bob@ours.example: 550 5.7.23 forged.example never sends mail from 192.0.2.25",
                "rcpt postmaster@ours.example: accepted; the internal server's own reply to RCPT would follow"
                        + " (not asked: explain sends nothing)",
                "rcpt x@else.example: 554 5.7.1 relaying denied",
                "Authentication-Results: mx.ours.example; spf=fail smtp.mailfrom=alice@forged.example"
                        + " smtp.helo=mail.sender.example",
                "Received-SPF: fail (mx.ours.example: domain of alice@forged.example does not designate 192.0.2.25"
                        + " as permitted sender) client-ip=192.0.2.25; envelope-from=\"alice@forged.example\";"
                        + " helo=mail.sender.example; receiver=mx.ours.example; identity=mailfrom; mechanism=\"-all\"",
                "Received-SPF: pass (mx.ours.example: domain of postmaster@mail.sender.example designates"
                        + " 192.0.2.25 as permitted sender) client-ip=192.0.2.25;"
                        + " envelope-from=\"postmaster@mail.sender.example\"; helo=mail.sender.example;"
                        + " receiver=mx.ours.example; identity=helo; mechanism=\"a\"",
                "Received: from mail.sender.example ([192.0.2.25]) by mx.ours.example (spfgate) with ESMTP"
                        + " id ID for <postmaster@ours.example>; DATE"),
                "--ip", "192.0.2.25", "--helo", "mail.sender.example", "--from", "alice@forged.example",
                "--rcpt", "bob@ours.example", "--rcpt", "postmaster@ours.example", "--rcpt", "x@else.example");
    }

    @Test
    void aClientInATrustedNetworkSkipsSpfAndTheHeaderNamesTheEntry() {
        assertExplains(0, List.of(
                "trusted: backup-mx (networks 198.51.100.0/28)",
                "action: none: a trusted client's mail skips SPF",
                "rcpt bob@ours.example: accepted; the internal server's own reply to RCPT would follow"
                        + " (not asked: explain sends nothing)",
                "Authentication-Results: mx.ours.example; spf=none (mx.ours.example: 198.51.100.3 is trusted relay"
                        + " backup-mx; SPF not checked; matched by networks 198.51.100.0/28)",
                "Received: from mail.sender.example ([198.51.100.3]) by mx.ours.example (spfgate) with ESMTP"
                        + " id ID for <bob@ours.example>; DATE"),
                "--ip", "198.51.100.3", "--helo", "mail.sender.example", "--from", "alice@forged.example",
                "--rcpt", "bob@ours.example");
    }

    @Test
    void aClientTrustedByForwardConfirmedHostNameShowsTheNameThatMatched() {
        assertExplains(0, List.of(
                "trusted: university-forwarder (hostnames relay.forward.example.edu)",
                "action: none: a trusted client's mail skips SPF",
                "rcpt bob@ours.example: accepted; the internal server's own reply to RCPT would follow"
                        + " (not asked: explain sends nothing)",
                "Authentication-Results: mx.ours.example; spf=none (mx.ours.example: 203.0.113.77 is trusted relay"
                        + " university-forwarder; SPF not checked; matched by hostnames relay.forward.example.edu)",
                "Received: from mail.sender.example ([203.0.113.77]) by mx.ours.example (spfgate) with ESMTP"
                        + " id ID for <bob@ours.example>; DATE"),
                "--ip", "203.0.113.77", "--helo", "mail.sender.example", "--from", "alice@slow.example",
                "--rcpt", "bob@ours.example");
    }

    @Test
    void aClientThatIsAnMxHostOfOurDomainIsTrustedAndThroughSaysTheDecisionNeedsTheReceivedField() {
        assertExplainsWith(trustConfig, 0, List.of(
                "trusted: our-mx (mx_of ours.example)",
                "action: none: SPF is evaluated at DATA for the client the topmost Received field names,"
                        + " stamped, never acted on (spf: through)",
                "  the real decision needs the message's topmost Received field (the one our-mx added), which"
                        + " explain has no message for: the headers below are those of a message without one",
                "rcpt bob@ours.example: accepted; the internal server's own reply to RCPT would follow"
                        + " (not asked: explain sends nothing)",
                "Authentication-Results: mx.ours.example; spf=none (mx.ours.example: not evaluated through trusted"
                        + " relay our-mx 198.51.100.40, matched by mx_of ours.example: the message has no Received field)"
                        + " smtp.mailfrom=alice@forged.example",
                "Received: from mail.sender.example ([198.51.100.40]) by mx.ours.example (spfgate) with ESMTP"
                        + " id ID for <bob@ours.example>; DATE"),
                "--ip", "198.51.100.40", "--helo", "mail.sender.example", "--from", "alice@forged.example",
                "--rcpt", "bob@ours.example");
    }

    @Test
    void aClientThatPassesAnSpfDomainIsTrustedAndTheEvaluationThatTrustedItIsShownUnderIt() {
        assertExplainsWith(trustConfig, 0, List.of(
                "trusted: forwarder (spf_domains _spf.forwarder.example)",
                "  check_host _spf.forwarder.example",
                "    TXT _spf.forwarder.example: found \"v=spf1 ip4:203.0.113.128/25 -all\"",
                "    record: v=spf1 ip4:203.0.113.128/25 -all",
                "    ip4:203.0.113.128/25: match",
                "    _spf.forwarder.example: pass",
                "  lookups: 0 of 10; void lookups: 0 of 2",
                "  decided by: ip4:203.0.113.128/25",
                "action: none: a trusted client's mail skips SPF",
                "rcpt bob@ours.example: accepted; the internal server's own reply to RCPT would follow"
                        + " (not asked: explain sends nothing)",
                "Authentication-Results: mx.ours.example; spf=none (mx.ours.example: 203.0.113.130 is trusted relay"
                        + " forwarder; SPF not checked; matched by spf_domains _spf.forwarder.example)",
                "Received: from fwd.forwarder.example ([203.0.113.130]) by mx.ours.example (spfgate) with ESMTP"
                        + " id ID for <bob@ours.example>; DATE"),
                "--ip", "203.0.113.130", "--helo", "fwd.forwarder.example", "--from", "alice@forged.example",
                "--rcpt", "bob@ours.example");
    }

    @Test
    void anSpfDomainThatFailsTrustsNobodyAndItsEvaluationIsNotTakenForTheSendersOwn() {
        CommandLineRun r = explainWith(trustConfig, "--ip", "192.0.2.25", "--helo", "mail.sender.example",
                "--from", "alice@forged.example", "--rcpt", "bob@ours.example");
        List<String> out = r.out();
        assertEquals(List.of("trusted: no", "  spf_domains _spf.forwarder.example: fail",
                "  check_host _spf.forwarder.example"), out.subList(0, 3), String.join("\n", out));
        int mailFrom = out.indexOf("spf mailfrom: fail");
        assertTrue(mailFrom > 0, String.join("\n", out));
        assertEquals("  check_host forged.example", out.get(mailFrom + 1));
        assertTrue(out.contains("rcpt bob@ours.example: 550 5.7.23 forged.example never sends mail from 192.0.2.25"),
                String.join("\n", out));
        assertEquals(1, r.exitCode());
    }

    private static final List<String> FORGED_FAIL = List.of(
            "spf mailfrom: fail",
            "  check_host forged.example",
            "    TXT forged.example: found \"v=spf1 mx -all exp=why.forged.example\"",
            "    record: v=spf1 mx -all exp=why.forged.example",
            "    mx",
            "      MX forged.example: found mx.forged.example",
            "      A mx.forged.example: found 198.51.100.9",
            "      mx: no match",
            "    -all: match",
            "    forged.example: fail",
            "  TXT why.forged.example: found \"%{d} never sends mail from %{i}\"",
            "  lookups: 1 of 10; void lookups: 0 of 2",
            "  decided by: -all",
            "  explanation: forged.example never sends mail from 192.0.2.25");

    private static final List<String> WAITS_FOR_DKIM = List.of(
            "  the verdict waits for DATA (spf.dkim_rescue):",
            "    a DKIM signature that verifies, d= aligned with forged.example (RFC 7489 3.1.1): relayed",
            "    no such signature: 550 5.7.23 forged.example never sends mail from 192.0.2.25 (to the final dot)",
            "    its key lookup fails in DNS: 451 4.4.3 temporary DNS error looking up the DKIM key of <d=>;"
                    + " try again later");

    @Test
    void aFailListedInDkimRescueWaitsForDataAndSaysWhatEachOutcomeWouldBring() {
        assertExplainsWith(rescueConfig, ExplainCommand.REFUSED, concat("trusted: no",
                "  no trusted entry matches 192.0.2.25", HELO_PASS, FORGED_FAIL,
                "action: fail -> reject (spf.actions.fail), waiting for an aligned DKIM signature at the end of DATA"
                        + " (spf.dkim_rescue); exempt recipients: postmaster, abuse",
                "rcpt bob@ours.example: accepted; the internal server's own reply to RCPT would follow"
                        + " (not asked: explain sends nothing)",
                WAITS_FOR_DKIM,
                "rcpt carol@ours.example: accepted; the internal server's own reply to RCPT would follow"
                        + " (not asked: explain sends nothing)",
                WAITS_FOR_DKIM,
                "data (a message without an aligned DKIM signature): 550 5.7.23 forged.example never sends mail from"
                        + " 192.0.2.25",
                "headers: none (nothing would be relayed; with an aligned signature that verifies,"
                        + " Authentication-Results adds dkim=pass header.d=DOMAIN header.s=SELECTOR to the SPF result)"),
                "--ip", "192.0.2.25", "--helo", "mail.sender.example", "--from", "alice@forged.example",
                "--rcpt", "bob@ours.example", "--rcpt", "carol@ours.example");
    }

    @Test
    void anExemptRecipientAfterAWaitingOneGetsTheSessions452AndTheWaitingRefusalDecidesTheExitCode() {
        CommandLineRun r = explainWith(rescueConfig, "--ip", "192.0.2.25", "--helo", "mail.sender.example",
                "--from", "alice@forged.example", "--rcpt", "bob@ours.example", "--rcpt", "postmaster@ours.example");
        List<String> out = r.out();
        int bob = out.indexOf("rcpt bob@ours.example: accepted; the internal server's own reply to RCPT would follow"
                + " (not asked: explain sends nothing)");
        assertTrue(bob > 0, String.join("\n", out));
        assertEquals(WAITS_FOR_DKIM, out.subList(bob + 1, bob + 5));
        assertEquals("rcpt postmaster@ours.example: 452 4.5.3 Send this recipient in a separate transaction",
                out.get(bob + 5));
        // the waiting recipient is refused unless a signature rescues it: that outranks the 452
        assertEquals(ExplainCommand.REFUSED, r.exitCode());
    }

    @Test
    void aWaitingRecipientAfterAnExemptOneGetsThe452AndTheExemptOneIsRelayedWithTheFailStamped() {
        CommandLineRun r = explainWith(rescueConfig, "--ip", "192.0.2.25", "--helo", "mail.sender.example",
                "--from", "alice@forged.example", "--rcpt", "postmaster@ours.example", "--rcpt", "bob@ours.example");
        List<String> out = golden(r.out());
        int postmaster = out.indexOf("rcpt postmaster@ours.example: accepted; the internal server's own reply to RCPT"
                + " would follow (not asked: explain sends nothing)");
        assertTrue(postmaster > 0, String.join("\n", out));
        assertEquals(List.of("rcpt bob@ours.example: 452 4.5.3 Send this recipient in a separate transaction",
                "Authentication-Results: mx.ours.example; spf=fail smtp.mailfrom=alice@forged.example"
                        + " smtp.helo=mail.sender.example"), out.subList(postmaster + 1, postmaster + 3));
        assertEquals(ExplainCommand.DEFERRED, r.exitCode());
    }

    @Test
    void aDnsTimeOutIsTemperrorAndDefersWithTheProblemShown() {
        assertExplains(2, concat("trusted: no", "  no trusted network matches and 192.0.2.25 has no PTR name", HELO_PASS,
                "spf mailfrom: temperror",
                "  check_host slow.example",
                "    TXT slow.example: found \"v=spf1 include:dead.slow.example -all\"",
                "    record: v=spf1 include:dead.slow.example -all",
                "    include:dead.slow.example",
                "      check_host dead.slow.example",
                "        TXT dead.slow.example: error (DNS time-out: dead.slow.example. TXT)",
                "  lookups: 1 of 10; void lookups: 0 of 2",
                "  decided by: (no term: the evaluation stopped)",
                "  problem: temperror: DNS error looking up TXT dead.slow.example: DNS time-out: dead.slow.example. TXT",
                "action: temperror -> defer (spf.actions.temperror); exempt recipients: postmaster, abuse",
                "rcpt bob@ours.example: 451 4.4.3 temporary SPF error for slow.example: temperror: DNS error looking"
                        + " up TXT dead.slow.example: DNS time-out: dead.slow.example. TXT; try again later",
                "headers: none (no recipient accepted: no message would be taken)"),
                "--ip", "192.0.2.25", "--helo", "mail.sender.example", "--from", "alice@slow.example",
                "--rcpt", "bob@ours.example");
    }

    @Test
    void aHeloFailRefusesEvenWhenTheMailFromResultWouldOnlyDefer() {
        CommandLineRun r = explain("--ip", "203.0.113.78", "--helo", "mail.sender.example", "--from", "alice@slow.example",
                "--rcpt", "bob@ours.example");
        assertEquals(1, r.exitCode());
        assertEquals("spf helo: fail", r.out().get(2));
        assertTrue(r.out().contains("action: temperror -> defer (spf.actions.temperror); helo fail -> reject"
                + " (spf.check_helo); exempt recipients: postmaster, abuse"), String.join("\n", r.out()));
        assertTrue(r.out().contains("rcpt bob@ours.example: 550 5.7.23 mail.sender.example does not designate"
                + " 203.0.113.78 as permitted sender"), String.join("\n", r.out()));
    }

    @Test
    void usageAndConfigErrorsSayWhatIsWrong() throws IOException {
        CommandLineRun missing = CommandLineRun.of(NEVER, "explain", "--config", config.toString(), "--ip", "192.0.2.1",
                "--helo", "h.example", "--from", "a@b.example");
        assertEquals(64, missing.exitCode());
        assertEquals("Missing required option: '--rcpt=ADDR'", missing.err().get(0));
        Path bad = directory.resolve("bad.yaml");
        Files.writeString(bad, "domains: [ours.example]\nspf: { mode: sometimes }\n");
        CommandLineRun broken = CommandLineRun.of(NEVER, "explain", "--config", bad.toString(), "--ip", "192.0.2.1",
                "--helo", "h.example", "--from", "a@b.example", "--rcpt", "b@ours.example");
        assertEquals(78, broken.exitCode());
        assertTrue(broken.err().get(0).startsWith(bad + ": line 2"), broken.err().toString());
        assertEquals(List.of(), broken.out());
    }
}
