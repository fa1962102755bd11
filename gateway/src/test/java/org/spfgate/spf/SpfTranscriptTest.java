package org.spfgate.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The evaluation written down step by step: what {@code explain} shows under each identity. */
class SpfTranscriptTest {

    @Test
    void everyTermLookupAndNestedCheckHostIsWrittenInOrderWithTheCountsAndTheDecidingTerm() throws Exception {
        TestZone zone = new TestZone()
                .txt("example.com", "v=spf1 a include:_spf.example.com mx -all")
                .a("example.com", "203.0.113.9")
                .txt("_spf.example.com", "v=spf1 ip4:198.51.100.0/24 ~all")
                .mx("example.com", "mail.example.com")
                .a("mail.example.com", "192.0.2.20");
        SpfTranscript transcript = new SpfTranscript();
        SpfVerdict v = new SpfChecker(zone.dns(), "mx.example.org", Duration.ofSeconds(5), transcript)
                .checkMailFrom(InetAddress.getByName("192.0.2.20"), "alice@example.com", "mail.example.com");
        assertEquals(SpfResult.PASS, v.result());
        SpfTranscript.Evaluation e = transcript.last(SpfIdentity.MAILFROM);
        assertEquals(v, e.verdict());
        assertEquals(List.of(
                "check_host example.com",
                "  TXT example.com: found \"v=spf1 a include:_spf.example.com mx -all\"",
                "  record: v=spf1 a include:_spf.example.com mx -all",
                "  a",
                "    A example.com: found 203.0.113.9",
                "    a: no match",
                "  include:_spf.example.com",
                "    check_host _spf.example.com",
                "      TXT _spf.example.com: found \"v=spf1 ip4:198.51.100.0/24 ~all\"",
                "      record: v=spf1 ip4:198.51.100.0/24 ~all",
                "      ip4:198.51.100.0/24: no match",
                "      ~all: match",
                "      _spf.example.com: softfail",
                "    include:_spf.example.com: no match",
                "  mx",
                "    MX example.com: found mail.example.com",
                "    A mail.example.com: found 192.0.2.20",
                "    mx: match",
                "  example.com: pass",
                "lookups: 3 of 10; void lookups: 0 of 2",
                "decided by: mx"), e.lines());
        assertNull(transcript.last(SpfIdentity.HELO));
    }

    @Test
    void aRedirectNestsTheTargetsCheckHostAndVoidLookupsAreCounted() throws Exception {
        TestZone zone = new TestZone()
                .txt("example.com", "v=spf1 a:nowhere.example.com redirect=_spf.example.com")
                .txt("_spf.example.com", "v=spf1 -all exp=why.example.com")
                .txt("why.example.com", "%{i} is not ours");
        SpfTranscript transcript = new SpfTranscript();
        new SpfChecker(zone.dns(), "mx.example.org", Duration.ofSeconds(5), transcript)
                .checkMailFrom(InetAddress.getByName("192.0.2.1"), "alice@example.com", "mail.example.com");
        assertEquals(List.of(
                "check_host example.com",
                "  TXT example.com: found \"v=spf1 a:nowhere.example.com redirect=_spf.example.com\"",
                "  record: v=spf1 a:nowhere.example.com redirect=_spf.example.com",
                "  a:nowhere.example.com",
                "    A nowhere.example.com: nxdomain (void)",
                "    a:nowhere.example.com: no match",
                "  redirect=_spf.example.com",
                "    check_host _spf.example.com",
                "      TXT _spf.example.com: found \"v=spf1 -all exp=why.example.com\"",
                "      record: v=spf1 -all exp=why.example.com",
                "      -all: match",
                "      _spf.example.com: fail",
                "  example.com: fail",
                "TXT why.example.com: found \"%{i} is not ours\"",
                "lookups: 2 of 10; void lookups: 1 of 2",
                "decided by: -all",
                "explanation: 192.0.2.1 is not ours"), transcript.last(SpfIdentity.MAILFROM).lines());
    }

    @Test
    void aDnsErrorEndsTheTranscriptWithTheProblemAndNoDecidingTerm() throws Exception {
        TestZone zone = new TestZone()
                .txt("example.com", "v=spf1 include:slow.example.com -all")
                .timeout("slow.example.com");
        SpfTranscript transcript = new SpfTranscript();
        SpfChecker checker = new SpfChecker(zone.dns(), "mx.example.org", Duration.ofSeconds(5), transcript);
        checker.checkHelo(InetAddress.getByName("192.0.2.1"), "example.com");
        List<String> lines = transcript.last(SpfIdentity.HELO).lines();
        assertEquals("      TXT slow.example.com: error (" + zone.dns().txt("slow.example.com").detail() + ")", lines.get(5));
        assertEquals(List.of(
                "lookups: 1 of 10; void lookups: 0 of 2",
                "decided by: (no term: the evaluation stopped)",
                "problem: temperror: DNS error looking up TXT slow.example.com: "
                        + zone.dns().txt("slow.example.com").detail()),
                lines.subList(lines.size() - 3, lines.size()));
    }

    @Test
    void controlCharactersFromDnsNeverBreakALine() throws Exception {
        TestZone zone = new TestZone().txt("example.com", "v=spf1 -all", "hello\r\nthere\u001b[31m");
        SpfTranscript transcript = new SpfTranscript();
        new SpfChecker(zone.dns(), "mx.example.org", Duration.ofSeconds(5), transcript)
                .checkMailFrom(InetAddress.getByName("192.0.2.1"), "a@example.com", "h.example.com");
        for (String line : transcript.last(SpfIdentity.MAILFROM).lines()) {
            assertEquals(-1, line.indexOf('\r'), line);
            assertEquals(-1, line.indexOf('\n'), line);
            assertEquals(-1, line.indexOf('\u001b'), line);
        }
    }

    @Test
    void withoutATraceTheVerdictIsTheSame() throws Exception {
        TestZone zone = new TestZone().txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
        InetAddress ip = InetAddress.getByName("192.0.2.1");
        SpfVerdict plain = new SpfChecker(zone.dns(), "mx", Duration.ofSeconds(5)).checkMailFrom(ip, "a@example.com", "h");
        SpfVerdict traced = new SpfChecker(zone.dns(), "mx", Duration.ofSeconds(5), new SpfTranscript())
                .checkMailFrom(ip, "a@example.com", "h");
        assertEquals(plain, traced);
    }
}
