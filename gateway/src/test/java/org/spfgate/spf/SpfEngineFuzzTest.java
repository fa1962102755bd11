package org.spfgate.spf;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Coverage-guided fuzzing of the SPF engine: the record parser, the macro expander and a whole
 * {@code check_host()} over an in-memory zone whose records come from the input. The outcome is
 * always a parsed record or a syntax error, an expansion, and a verdict within the RFC 7208 4.6.4
 * limits, never another exception. A normal build replays the committed corpora
 * ({@code SpfEngineFuzzTestInputs/}); how to fuzz is in docs/fuzzing.md.
 */
class SpfEngineFuzzTest {

    private static final InetAddress CLIENT4 = address("192.0.2.1");
    private static final InetAddress CLIENT6 = address("2001:db8::1");

    /** The values of a hostile session: odd sender, empty local part, IPv4 client. */
    private static final MacroValues VALUES = letter -> switch (letter) {
        case 's' -> "odd..sender-@@example.com";
        case 'l' -> "";
        case 'o' -> "example.com";
        case 'd' -> "a.b.c.example.com";
        case 'i' -> "192.0.2.1";
        case 'v' -> "in-addr";
        case 'h' -> "helo..example";
        default -> "x.y-z_w";
    };

    @FuzzTest(maxDuration = "10m")
    void recordsParseOrFailWithASyntaxError(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            assertNotNull(SpfRecord.parse(text), text);
        } catch (SpfSyntaxException refused) {
            assertNotNull(refused.getMessage(), text);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void macroStringsParseOrFailWithASyntaxErrorAndExpand(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        for (boolean explanation : new boolean[] {false, true}) {
            try {
                assertNotNull(MacroString.parse(text, explanation).expand(VALUES), text);
            } catch (SpfSyntaxException refused) {
                assertNotNull(refused.getMessage(), text);
            }
        }
    }

    /**
     * Lines of the input: the record of {@code fuzz.example}, of {@code inc.fuzz.example}, the
     * explanation TXT at {@code exp.fuzz.example}, the sender's local part and the HELO name.
     */
    @FuzzTest(maxDuration = "10m")
    void checkHostAlwaysGivesAVerdictWithinTheLimits(byte[] input) {
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", -1);
        TestZone zone = new TestZone()
                .txt("fuzz.example", line(lines, 0))
                .txt("inc.fuzz.example", line(lines, 1))
                .txt("exp.fuzz.example", line(lines, 2))
                .a("fuzz.example", "192.0.2.1")
                .a("inc.fuzz.example", "192.0.2.2")
                .aaaa("inc.fuzz.example", "2001:db8::1")
                .mx("fuzz.example", "inc.fuzz.example", "fuzz.example")
                .ptr("1.2.0.192.in-addr.arpa", "fuzz.example")
                .timeout("slow.fuzz.example");
        SpfChecker checker = new SpfChecker(zone.quietDns(), "mx.example.org", Duration.ofSeconds(5));
        InetAddress client = input.length % 2 == 0 ? CLIENT4 : CLIENT6;
        String sender = line(lines, 3) + "@fuzz.example";
        SpfVerdict verdict = checker.checkMailFrom(client, sender, line(lines, 4));
        assertNotNull(verdict.result(), sender);
        assertNotNull(verdict.explanation(), sender);
        assertTrue(verdict.lookups() <= SpfEvaluation.MAX_DNS_TERMS, () -> "lookups " + verdict.lookups());
        assertNotNull(checker.checkHelo(client, line(lines, 4)).result());
    }

    private static String line(String[] lines, int index) {
        return index < lines.length ? lines[index] : "";
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
