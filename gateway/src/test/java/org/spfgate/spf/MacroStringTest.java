package org.spfgate.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Macro parsing and expansion, with the examples of RFC 7208 7.4 and the edge cases around them. */
class MacroStringTest {

    /** RFC 7208 7.4: sender strong-bad@email.example.com, client 192.0.2.3. */
    private static final MacroValues RFC_EXAMPLE_V4 = letter -> switch (letter) {
        case 's' -> "strong-bad@email.example.com";
        case 'l' -> "strong-bad";
        case 'o', 'd' -> "email.example.com";
        case 'i' -> "192.0.2.3";
        case 'v' -> "in-addr";
        case 'h' -> "mx.example.org";
        case 'c' -> "192.0.2.3";
        case 'r' -> "receiver.example.net";
        case 't' -> "1700000000";
        case 'p' -> "unknown";
        default -> throw new AssertionError(letter);
    };

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "%{s}                               | strong-bad@email.example.com",
        "%{o}                               | email.example.com",
        "%{d}                               | email.example.com",
        "%{d4}                              | email.example.com",
        "%{d3}                              | email.example.com",
        "%{d2}                              | example.com",
        "%{d1}                              | com",
        "%{dr}                              | com.example.email",
        "%{d2r}                             | example.email",
        "%{l}                               | strong-bad",
        "%{l-}                              | strong.bad",
        "%{lr}                              | strong-bad",
        "%{lr-}                             | bad.strong",
        "%{l1r-}                            | strong",
        "%{ir}.%{v}._spf.%{d2}              | 3.2.0.192.in-addr._spf.example.com",
        "%{lr-}.lp._spf.%{d2}               | bad.strong.lp._spf.example.com",
        "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}    | bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
        "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}   | 3.2.0.192.in-addr.strong.lp._spf.example.com",
        "%{d2}.trusted-domains.example.net  | example.com.trusted-domains.example.net",
        "%{d200}                            | email.example.com",
        "%{d2000000000000}                  | email.example.com",
        "%{s.-}                             | strong.bad@email.example.com",
        "%{lR-}                             | bad.strong",
    })
    void rfc7208ExamplesExpandAsTheRfcShows(String macro, String expected) throws Exception {
        assertEquals(expected, MacroString.parse(macro.strip(), false).expand(RFC_EXAMPLE_V4));
    }

    @Test
    void ipv6ReversedIsThirtyTwoNibbles() throws Exception {
        MacroValues v6 = letter -> switch (letter) {
            case 'i' -> ClientIpText.nibbles(IpLiteral.parseIpv6("2001:db8::cb01"));
            case 'v' -> "ip6";
            case 'd' -> "email.example.com";
            default -> throw new AssertionError(letter);
        };
        assertEquals("1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com",
                MacroString.parse("%{ir}.%{v}._spf.%{d2}", false).expand(v6));
    }

    @Test
    void percentUnderscoreAndDashEscapesBecomeTheirCharacters() throws Exception {
        assertEquals("100% sure, a b%20c", MacroString.parse("100%% sure, a%_b%-c", true).expand(RFC_EXAMPLE_V4));
    }

    @Test
    void upperCaseMacrosAreUrlEscaped() throws Exception {
        MacroValues tricky = letter -> "~jack&jill=up-a_b3.c/é";
        assertEquals("l=~jack%26jill%3Dup-a_b3.c%2F%C3%A9", MacroString.parse("l=%{L}", true).expand(tricky));
        assertEquals("l=~jack&jill=up-a_b3.c/é", MacroString.parse("l=%{l}", true).expand(tricky));
    }

    @Test
    void explanationOnlyMacrosWorkInExplanations() throws Exception {
        assertEquals("192.0.2.3 refused by receiver.example.net at 1700000000",
                MacroString.parse("%{c} refused by %{r} at %{t}", true).expand(RFC_EXAMPLE_V4));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "%                | '%' at the end of '%'",
        "a%               | '%' at the end of 'a%'",
        "%{d              | unterminated macro in '%{d'",
        "%{}              | empty macro '%{}'",
        "%{x}             | unknown macro letter in '%{x}'",
        "%{d0}            | zero parts in macro '%{d0}'",
        "%{d2q}           | bad transformer or delimiter in macro '%{d2q}'",
        "%{dr2}           | bad transformer or delimiter in macro '%{dr2}'",
        "%{r}             | macro '%{r}' is allowed only in exp= text",
        "%{T}             | macro '%{T}' is allowed only in exp= text",
        "%x               | '%x' is not a macro in '%x'",
        "a b              | character 0x20 not allowed in 'a b'",
    })
    void malformedMacrosAreSyntaxErrorsNamingTheMacro(String text, String message) {
        assertEquals(message, assertThrows(SpfSyntaxException.class,
                () -> MacroString.parse(text.strip(), false)).getMessage());
    }

    @Test
    void aDomainSpecEndingInAMacroOrAnEscapeIsRecognised() throws Exception {
        assertEquals(true, MacroString.parse("foo.%{d}", false).endsWithMacroExpand());
        assertEquals(true, MacroString.parse("foo%-", false).endsWithMacroExpand());
        assertEquals(false, MacroString.parse("%{d}.com", false).endsWithMacroExpand());
    }
}
