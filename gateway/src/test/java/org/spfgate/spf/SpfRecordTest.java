package org.spfgate.spf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The record parser: what it accepts, and for what it refuses, the exact message saying where. */
class SpfRecordTest {

    @Test
    void anUnknownMechanismIsNamedWithItsTermNumber() {
        assertEquals("unknown mechanism 'foo' at term 3", error("v=spf1 a mx foo -all"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "v=spf1 a: -all                         | empty domain at term 1",
        "v=spf1 include -all                    | 'include' needs ':domain' in 'include' at term 1",
        "v=spf1 exists/24                       | 'exists' needs ':domain' in 'exists/24' at term 1",
        "v=spf1 -all:foo                        | 'all' takes no argument in '-all:foo' at term 1",
        "v=spf1 -all/8                          | 'all' takes no argument in '-all/8' at term 1",
        "v=spf1 ip4:1.2.3 -all                  | bad IPv4 address in 'ip4:1.2.3' at term 1",
        "v=spf1 ip4:01.2.3.4                    | bad IPv4 address in 'ip4:01.2.3.4' at term 1",
        "v=spf1 ip4:1.2.3.4/33                  | CIDR length 33 over 32 in 'ip4:1.2.3.4/33' at term 1",
        "v=spf1 ip4:1.2.3.4/032                 | bad CIDR length in 'ip4:1.2.3.4/032' at term 1",
        "v=spf1 ip4                             | 'ip4' needs ':address' in 'ip4' at term 1",
        "v=spf1 ip6:2001:db8::/129              | CIDR length 129 over 128 in 'ip6:2001:db8::/129' at term 1",
        "v=spf1 ip6:2001:db8:::1                | bad IPv6 address in 'ip6:2001:db8:::1' at term 1",
        "v=spf1 ip6:1.2.3.4                     | bad IPv6 address in 'ip6:1.2.3.4' at term 1",
        "v=spf1 a/24//129                       | CIDR length 129 over 128 in 'a/24//129' at term 1",
        "v=spf1 mx/                             | bad argument in 'mx/' at term 1",
        "v=spf1 a:foo                           | invalid domain 'foo' at term 1",
        "v=spf1 a:example.123                   | invalid domain 'example.123' at term 1",
        "v=spf1 a:example.com:8080              | invalid domain 'example.com:8080' at term 1",
        "v=spf1 ptr:                            | empty domain at term 1",
        "v=spf1 redirect=a.example redirect=b.example | second redirect= modifier at term 2",
        "v=spf1 exp=a.example -all exp=b.example | second exp= modifier at term 3",
        "v=spf1 redirect=                       | empty domain at term 1",
        "v=spf1 +foo=bar                        | unknown mechanism 'foo=bar' at term 1",
        "v=spf1 a:%{x}.example.com              | unknown macro letter in '%{x}' at term 1",
        "v=spf1 exists:%{c}.example.com         | macro '%{c}' is allowed only in exp= text at term 1",
        "v=spf1 foo=%{q}                        | unknown macro letter in '%{q}' at term 1",
        "v=spf1 a:%{d0}.example.com             | zero parts in macro '%{d0}' at term 1",
        "v=spf1 a:%a.example.com                | '%a' is not a macro in '%a.example.com' at term 1",
    })
    void syntaxErrorsSayWhatAndWhere(String record, String message) {
        assertEquals(message, error(record.strip()));
    }

    @Test
    void controlAndNonAsciiCharactersAreRefusedByTermNumber() {
        assertEquals("character 0x0D in 'a:ctrl.example.com\\x0Dptr' at term 1",
                error("v=spf1 a:ctrl.example.com\rptr -all"));
        assertEquals("character 0x96 in '\\x96all' at term 2", error("v=spf1 a:example.net \u0096all"));
    }

    @Test
    void termsAreSeparatedByAnyNumberOfSpacesAndTrailingSpacesAreFine() throws Exception {
        SpfRecord r = SpfRecord.parse("v=spf1   a   -all  ");
        assertEquals(2, r.mechanisms().length);
        assertEquals("-all", r.mechanisms()[1].written());
        assertEquals(0, SpfRecord.parse("v=spf1").mechanisms().length);
    }

    @Test
    void mechanismNamesQualifiersAndModifiersAreCaseInsensitive() throws Exception {
        SpfRecord r = SpfRecord.parse("V=SPF1 A MX ~ALL REDIRECT=_spf.example.com EXP=exp.example.com");
        assertEquals(Mechanism.Kind.A, r.mechanisms()[0].kind());
        assertEquals(Qualifier.SOFTFAIL, r.mechanisms()[2].qualifier());
        assertEquals("_spf.example.com", r.redirect().text());
        assertEquals("exp.example.com", r.exp().text());
    }

    @Test
    void dualCidrLengthsApplyToAAndMx() throws Exception {
        Mechanism m = SpfRecord.parse("v=spf1 a:mail.example.com/24//64").mechanisms()[0];
        assertEquals("mail.example.com", m.domain().text());
        assertEquals(24, m.cidr4());
        assertEquals(64, m.cidr6());
        Mechanism only6 = SpfRecord.parse("v=spf1 mx//48").mechanisms()[0];
        assertNull(only6.domain());
        assertEquals(32, only6.cidr4());
        assertEquals(48, only6.cidr6());
    }

    @Test
    void ip6NetworksParseWithCompressionAndEmbeddedIpv4() throws Exception {
        Mechanism m = SpfRecord.parse("v=spf1 ip6:::ffff:192.0.2.1/120").mechanisms()[0];
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, (byte) 192, 0, 2, 1}, m.network());
        assertEquals(120, m.cidr6());
    }

    @Test
    void unknownModifiersAreIgnoredOnceTheyParse() throws Exception {
        SpfRecord r = SpfRecord.parse("v=spf1 moo.cow-far_out=man:dog/cat -all");
        assertEquals(1, r.mechanisms().length);
        assertNull(r.redirect());
    }

    @Test
    void aRecordIsVersionThenSpaceOrEnd() {
        assertTrue(SpfRecord.isSpfRecord("v=spf1"));
        assertTrue(SpfRecord.isSpfRecord("V=Spf1 -all"));
        assertFalse(SpfRecord.isSpfRecord("v=spf10 -all"));
        assertFalse(SpfRecord.isSpfRecord("v=spf1ip4:192.0.2.1"));
        assertFalse(SpfRecord.isSpfRecord(" v=spf1 -all"));
        assertFalse(SpfRecord.isSpfRecord("v=spf3 -all"));
    }

    @Test
    void theVersionIsAsciiOnlyNotAUnicodeCaseLookalike() {
        // U+017F LATIN SMALL LETTER LONG S upper-cases to S: String.regionMatches(true, ...) took it for s.
        assertFalse(SpfRecord.isSpfRecord("v=\u017Fpf1 +all"));
        assertFalse(SpfRecord.isSpfRecord("V=\u017Fpf1"));
    }

    private static String error(String record) {
        return assertThrows(SpfSyntaxException.class, () -> SpfRecord.parse(record)).getMessage();
    }
}
