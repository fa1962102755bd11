package org.spfgate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** docs/contract.md §3 "No open relay": every classic relay trick, as a table. */
class RecipientPolicyTest {

    private final RecipientPolicy policy = new RecipientPolicy(List.of("example.org", "Example.NET."));

    static Stream<Arguments> acceptedAddresses() {
        return Stream.of(
                // address as written, expected local part (unquoted), expected domain
                Arguments.of("bob@example.org", "bob", "example.org"),
                Arguments.of("Bob@EXAMPLE.ORG", "Bob", "example.org"),
                Arguments.of("first.last+tag@example.net", "first.last+tag", "example.net"),
                Arguments.of("\"john doe\"@example.org", "john doe", "example.org"),
                Arguments.of("\"a\\\"b\"@example.org", "a\"b", "example.org"),
                Arguments.of("\"john..doe.\"@example.org", "john..doe.", "example.org"),
                Arguments.of("postmaster", "postmaster", ""),
                Arguments.of("PostMaster", "PostMaster", ""),
                Arguments.of("postmaster@Example.Net", "postmaster", "example.net"),
                Arguments.of("δοκιμή@example.org", "δοκιμή", "example.org"),
                Arguments.of("a".repeat(64) + "@example.org", "a".repeat(64), "example.org"));
    }

    @ParameterizedTest(name = "{0} is accepted and forwarded as written")
    @MethodSource("acceptedAddresses")
    void ourDomainIsAcceptedAndTheAddressIsKeptAsWritten(String address, String localPart, String domain) {
        RecipientCheck check = policy.check(address);
        RecipientCheck.Accepted accepted = assertInstanceOf(RecipientCheck.Accepted.class, check);
        assertEquals(new Recipient(address, localPart, domain), accepted.recipient());
    }

    static Stream<Arguments> refusedAddresses() {
        return Stream.of(
                // foreign domains, exactly-ours only
                Arguments.of("bob@example.com", "554 5.7.1 relaying denied"),
                Arguments.of("bob@sub.example.org", "554 5.7.1 relaying denied"),
                Arguments.of("bob@evilexample.org", "554 5.7.1 relaying denied"),
                Arguments.of("bob@example.org.evil.com", "554 5.7.1 relaying denied"),
                Arguments.of("bob@[192.0.2.1]", "554 5.7.1 relaying denied"),
                // the classic relay tricks: % and ! routing, source routes, quoted @ (RFC 5321 3.6, appendix C)
                Arguments.of("user%other.com@example.org", "554 5.7.1 relaying denied: % and ! are not accepted in addresses"),
                Arguments.of("other.com!user@example.org", "554 5.7.1 relaying denied: % and ! are not accepted in addresses"),
                Arguments.of("user@example.org%other.com", "554 5.7.1 relaying denied: % and ! are not accepted in addresses"),
                Arguments.of("@example.org:user@other.com", "554 5.7.1 relaying denied: source routes are not accepted"),
                Arguments.of("@a.example,@example.org:user@example.org", "554 5.7.1 relaying denied: source routes are not accepted"),
                Arguments.of("\"user@other.com\"@example.org", "554 5.7.1 relaying denied: quoted local part containing @, % or !"),
                Arguments.of("\"user%other.com\"@example.org", "554 5.7.1 relaying denied: quoted local part containing @, % or !"),
                Arguments.of("\"other.com!user\"@example.org", "554 5.7.1 relaying denied: quoted local part containing @, % or !"),
                Arguments.of("user@other.com@example.org", "554 5.7.1 relaying denied: more than one @ in address"),
                Arguments.of("user@example.org@other.com", "554 5.7.1 relaying denied: more than one @ in address"),
                Arguments.of("\"x\"@other.com@example.org", "554 5.7.1 relaying denied: more than one @ in address"),
                Arguments.of("user@example.org.", "554 5.7.1 relaying denied: trailing dot in domain"),
                Arguments.of("user@EXAMPLE.NET.", "554 5.7.1 relaying denied: trailing dot in domain"),
                // plain syntax errors and hostile input
                Arguments.of("", "501 5.1.3 bad recipient address syntax: empty address"),
                Arguments.of("user\r\n@example.org", "501 5.1.3 bad recipient address syntax: control character in address"),
                Arguments.of("user@example.org\r\nRCPT TO:<x@evil.example>", "501 5.1.3 bad recipient address syntax: control character in address"),
                Arguments.of("us\u0000er@example.org", "501 5.1.3 bad recipient address syntax: control character in address"),
                Arguments.of("\"us\ter\"@example.org", "501 5.1.3 bad recipient address syntax: control character in address"),
                Arguments.of("@example.org", "501 5.1.3 bad recipient address syntax: empty local part"),
                Arguments.of("\"\"@example.org", "501 5.1.3 bad recipient address syntax: empty local part"),
                Arguments.of("\"unterminated@example.org", "501 5.1.3 bad recipient address syntax: unbalanced quotes"),
                Arguments.of("\"ends in backslash\\", "501 5.1.3 bad recipient address syntax: unbalanced quotes"),
                Arguments.of(".user@example.org", "501 5.1.3 bad recipient address syntax: misplaced dot in local part"),
                Arguments.of("user.@example.org", "501 5.1.3 bad recipient address syntax: misplaced dot in local part"),
                Arguments.of("us..er@example.org", "501 5.1.3 bad recipient address syntax: misplaced dot in local part"),
                Arguments.of("a\"b\"@example.org", "501 5.1.3 bad recipient address syntax: misplaced quote in local part"),
                Arguments.of("\"a\"b@example.org", "501 5.1.3 bad recipient address syntax: invalid local part"),
                Arguments.of("user name@example.org", "501 5.1.3 bad recipient address syntax: invalid character in local part"),
                Arguments.of("<user@example.org>", "501 5.1.3 bad recipient address syntax: invalid character in local part"),
                Arguments.of("user", "501 5.1.3 bad recipient address syntax: no domain"),
                Arguments.of("\"postmaster\"", "501 5.1.3 bad recipient address syntax: no domain"),
                Arguments.of("user@", "501 5.1.3 bad recipient address syntax: empty domain"),
                Arguments.of("user@exa mple.org", "501 5.1.3 bad recipient address syntax: invalid domain"),
                Arguments.of("user@-example.com", "501 5.1.3 bad recipient address syntax: invalid domain"),
                Arguments.of("user@example..org", "501 5.1.3 bad recipient address syntax: invalid domain"),
                Arguments.of("a".repeat(65) + "@example.org", "501 5.1.3 bad recipient address syntax: local part longer than 64 octets"),
                Arguments.of("\"" + "a".repeat(63) + "\"@example.org", "501 5.1.3 bad recipient address syntax: local part longer than 64 octets"),
                Arguments.of("b@" + "a.".repeat(130) + "example.org", "501 5.1.3 bad recipient address syntax: address longer than 256 octets"));
    }

    @ParameterizedTest(name = "{0} is refused with {1}")
    @MethodSource("refusedAddresses")
    void relayTricksForeignDomainsAndBadSyntaxAreRefusedWithTheirReply(String address, String reply) {
        RecipientCheck check = policy.check(address);
        RecipientCheck.Refused refused = assertInstanceOf(RecipientCheck.Refused.class, check,
                () -> address + " was accepted");
        assertEquals(reply, refused.reject().reply().toString());
    }

    @Test
    void refusalReasonsSeparateRelayAttemptsFromSyntaxErrors() {
        assertEquals(RejectionReason.RELAY_DENIED, reason("user%other@example.org"));
        assertEquals(RejectionReason.RELAY_DENIED, reason("bob@example.com"));
        assertEquals(RejectionReason.BAD_RECIPIENT, reason("user@"));
    }

    @Test
    void aPolicyWithNoDomainsAcceptsOnlyTheBarePostmaster() {
        RecipientPolicy none = new RecipientPolicy(List.of());
        assertInstanceOf(RecipientCheck.Refused.class, none.check("bob@example.org"));
        assertInstanceOf(RecipientCheck.Accepted.class, none.check("Postmaster"));
    }

    @Test
    void onlyAsciiLettersFoldSoUnicodeLookalikesOfOurDomainOrOfPostmasterAreRefused() {
        RecipientPolicy bank = new RecipientPolicy(List.of("bank.example"));
        assertInstanceOf(RecipientCheck.Accepted.class, bank.check("bob@BANK.example"));
        // U+212A KELVIN SIGN lower-cases to "k" in Java, but "ban\u212A.example" is not our domain
        assertEquals("554 5.7.1 relaying denied",
                ((RecipientCheck.Refused) bank.check("bob@ban\u212A.example")).reject().reply().toString());
        // U+017F LATIN SMALL LETTER LONG S upper-cases to "S": still not the bare postmaster
        assertEquals("501 5.1.3 bad recipient address syntax: no domain",
                ((RecipientCheck.Refused) bank.check("po\u017Ftmaster")).reject().reply().toString());
    }

    private RejectionReason reason(String address) {
        return ((RecipientCheck.Refused) policy.check(address)).reject().reason();
    }
}
