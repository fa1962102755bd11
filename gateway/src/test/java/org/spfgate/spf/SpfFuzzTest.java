package org.spfgate.spf;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.spfgate.spf.suite.InMemoryZoneDns;

/**
 * Garbage in, a verdict out: random records, macro strings and identities never make the checker
 * throw. Fixed seeds, so a failure reproduces; the failing input is in the message.
 */
class SpfFuzzTest {

    private static final String[] PIECES = {
        "v=spf1", " ", " ", " ", "+", "-", "~", "?", "all", "include:", "a", "mx", "ptr", "ip4:", "ip6:",
        "exists:", "redirect=", "exp=", "foo=", ":", "/", "//", "24", "0", "128", "33", ".", "..",
        "example.com", "f0.fuzz.example", "f1.fuzz.example", "f2.fuzz.example", "%{", "}", "%{d}",
        "%{ir}", "%{l-}", "%{d2r}", "%{p}", "%{c}", "%{x}", "%%", "%_", "%-", "%", "192.0.2.1",
        "::1", "2001:db8::", "=", "\t", "\r\n", "\u0096", "\u00e9", "\u0000", "1.2.3.4.5", "a-",
        "-a", "99999999999999999999", "%{d99999999999}", "%{s}", "%{o}", "%{h}", "%{v}", "%{t}",
    };

    @Test
    void randomRecordsAlwaysGiveAVerdict() throws Exception {
        InetAddress[] clients = {InetAddress.getByName("192.0.2.1"), InetAddress.getByName("2001:db8::1")};
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            for (int i = 0; i < 100; i++) {
                TestZone zone = new TestZone();
                String[] records = new String[3];
                for (int f = 0; f < 3; f++) {
                    records[f] = (random.nextInt(10) > 0 ? "v=spf1 " : "") + garbage(random, 12);
                    zone.txt("f" + f + ".fuzz.example", records[f])
                        .a("f" + f + ".fuzz.example", "192.0.2." + random.nextInt(4))
                        .mx("f" + f + ".fuzz.example", "f" + random.nextInt(3) + ".fuzz.example");
                }
                zone.txt("example.com", garbage(random, 6));
                InMemoryZoneDns dns = zone.dns();
                SpfChecker checker = new SpfChecker(dns, "mx.example.org", Duration.ofSeconds(5));
                InetAddress client = clients[random.nextInt(2)];
                String input = "seed " + seed + " #" + i + " records " + String.join(" | ", records);
                SpfVerdict v = assertVerdict(() -> checker.checkMailFrom(client, "x@f0.fuzz.example", "helo.example"),
                        input);
                assertTrue(v.lookups() <= SpfEvaluation.MAX_DNS_TERMS, input);
            }
        }
    }

    @Test
    void randomMacroStringsParseOrFailWithASyntaxErrorAndExpandWithoutThrowing() {
        MacroValues values = letter -> switch (letter) {
            case 's' -> "odd..sender-@@example.com";
            case 'l' -> "";
            case 'i' -> "192.0.2.1";
            default -> "x.y-z_w";
        };
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            for (int i = 0; i < 500; i++) {
                String text = garbage(random, 6);
                try {
                    String expanded = MacroString.parse(text, random.nextBoolean()).expand(values);
                    assertNotNull(expanded, text);
                } catch (SpfSyntaxException expected) {
                    assertNotNull(expected.getMessage(), text);
                }
            }
        }
    }

    @Test
    void garbageIdentitiesAlwaysGiveAVerdict() throws Exception {
        InMemoryZoneDns dns = new TestZone().txt("example.com", "v=spf1 a mx ptr exists:%{l}.%{h}.example.com -all").dns();
        SpfChecker checker = new SpfChecker(dns, "mx.example.org", Duration.ofSeconds(5));
        InetAddress client = InetAddress.getByName("192.0.2.1");
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            String local = garbage(random, 3);
            String helo = garbage(random, 2);
            String from = random.nextBoolean() ? local + "@example.com" : local;
            assertVerdict(() -> checker.checkMailFrom(client, from, helo), "from '" + from + "' helo '" + helo + "'");
            assertVerdict(() -> checker.checkHelo(client, helo), "helo '" + helo + "'");
        }
    }

    private static SpfVerdict assertVerdict(java.util.function.Supplier<SpfVerdict> check, String input) {
        SpfVerdict v;
        try {
            v = check.get();
        } catch (RuntimeException e) {
            throw new AssertionError("threw on " + input, e);
        }
        assertNotNull(v, input);
        assertNotNull(v.result(), input);
        assertNotNull(v.explanation(), input);
        return v;
    }

    private static String garbage(Random random, int maxPieces) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(maxPieces);
        for (int k = 0; k < n; k++) {
            if (random.nextInt(8) == 0) {
                sb.append((char) random.nextInt(0x180));
            } else {
                sb.append(PIECES[random.nextInt(PIECES.length)]);
            }
        }
        return sb.toString();
    }
}
