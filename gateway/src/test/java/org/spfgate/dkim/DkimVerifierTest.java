package org.spfgate.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.spfgate.message.MessageHead;
import org.spfgate.spf.DnsAnswer;
import org.spfgate.spf.SpfDns;

/** The verifier's outcomes, with key records answered from memory. */
class DkimVerifierTest {

    private static final DkimSigner.Key RSA = DkimSigner.Key.rsa(1024);
    private static final DkimSigner.Key ED25519 = DkimSigner.Key.ed25519();
    private static final List<String> SIGNED = List.of("from", "to", "subject");
    private static final byte[] MESSAGE = ("From: alice@example.com\r\nTo: bob@example.org\r\nSubject: hi\r\n\r\n"
            + "Hello Bob.\r\n").getBytes(StandardCharsets.US_ASCII);

    private final Map<String, DnsAnswer<String>> txt = new HashMap<>();
    private final List<String> asked = new java.util.ArrayList<>();
    private final DkimVerifier verifier = new DkimVerifier(new SpfDns() {
        @Override
        public DnsAnswer<String> txt(String name) {
            asked.add(name);
            return txt.getOrDefault(name, DnsAnswer.nxdomain());
        }

        @Override
        public DnsAnswer<InetAddress> addresses(String name, boolean ipv6) {
            throw new AssertionError("DKIM asks only for TXT");
        }

        @Override
        public DnsAnswer<String> mx(String name) {
            throw new AssertionError("DKIM asks only for TXT");
        }

        @Override
        public DnsAnswer<String> ptr(InetAddress ip) {
            throw new AssertionError("DKIM asks only for TXT");
        }
    });

    @Test
    void anRsaSha256SignatureVerifiesWithTheKeyAtSelectorDomainkeyDomain() throws IOException {
        txt.put("sel._domainkey.example.com", DnsAnswer.found(List.of(RSA.record())));
        List<DkimResult> results = verify(sign(RSA, "relaxed/relaxed"));
        assertEquals(List.of(new DkimResult("example.com", "sel", DkimResult.Outcome.PASS, "")), results);
        assertEquals(List.of("sel._domainkey.example.com"), asked);
    }

    @Test
    void anEd25519Sha256SignatureVerifies() throws IOException {
        txt.put("sel._domainkey.example.com", DnsAnswer.found(List.of(ED25519.record())));
        assertEquals(DkimResult.Outcome.PASS, verify(sign(ED25519, "simple/simple")).get(0).outcome());
    }

    @Test
    void aBodyChangedAfterSigningFails() throws IOException {
        txt.put("sel._domainkey.example.com", DnsAnswer.found(List.of(RSA.record())));
        byte[] changed = new String(sign(RSA, "relaxed/simple"), StandardCharsets.US_ASCII)
                .replace("Hello Bob.", "Hello Eve.").getBytes(StandardCharsets.US_ASCII);
        DkimResult result = verify(changed).get(0);
        assertEquals(DkimResult.Outcome.FAIL, result.outcome());
        assertEquals("body hash did not verify", result.reason());
    }

    @Test
    void aKeyLookupThatFailsIsATemporaryErrorNotAFailure() throws IOException {
        txt.put("sel._domainkey.example.com", DnsAnswer.error("SERVFAIL"));
        DkimResult result = verify(sign(RSA, "relaxed/relaxed")).get(0);
        assertEquals(DkimResult.Outcome.TEMPERROR, result.outcome());
        assertTrue(result.reason().contains("SERVFAIL"), result.reason());
    }

    @Test
    void noKeyPublishedFails() throws IOException {
        DkimResult result = verify(sign(RSA, "relaxed/relaxed")).get(0);
        assertEquals(DkimResult.Outcome.FAIL, result.outcome());
        assertTrue(result.reason().contains("no key"), result.reason());
    }

    @Test
    void aRevokedKeyFails() throws IOException {
        txt.put("sel._domainkey.example.com", DnsAnswer.found(List.of("v=DKIM1; k=rsa; p=")));
        assertEquals(DkimResult.Outcome.FAIL, verify(sign(RSA, "relaxed/relaxed")).get(0).outcome());
    }

    @Test
    void anRsaKeyUnder1024BitsIsNotTrusted() throws IOException {
        DkimSigner.Key small = DkimSigner.Key.rsa(512);
        txt.put("sel._domainkey.example.com", DnsAnswer.found(List.of(small.record())));
        DkimResult result = verify(sign(small, "relaxed/relaxed")).get(0);
        assertEquals(DkimResult.Outcome.FAIL, result.outcome());
        assertTrue(result.reason().contains("fewer than 1024"), result.reason());
    }

    @Test
    void rsaSha1IsNotAcceptedAndNoKeyIsLookedUp() throws IOException {
        String field = "DKIM-Signature: v=1; a=rsa-sha1; d=example.com; s=sel; h=from; bh=AAAA; b=AAAA";
        byte[] message = (field + "\r\n" + new String(MESSAGE, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        DkimResult result = verify(message).get(0);
        assertEquals(DkimResult.Outcome.PERMERROR, result.outcome());
        assertEquals(List.of(), asked);
    }

    @Test
    void aSignatureThatDoesNotSignFromIsAPermanentError() throws IOException {
        String field = "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; h=subject; bh=AAAA; b=AAAA";
        byte[] message = (field + "\r\n" + new String(MESSAGE, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        DkimResult result = verify(message).get(0);
        assertEquals(new DkimResult("example.com", "sel", DkimResult.Outcome.PERMERROR, result.reason()), result);
        assertTrue(result.reason().contains("From field not signed"), result.reason());
    }

    @Test
    void onlyWantedDomainsAreTried() throws IOException {
        txt.put("sel._domainkey.example.com", DnsAnswer.found(List.of(RSA.record())));
        byte[] message = sign(RSA, "relaxed/relaxed");
        MessageHead head = MessageHead.of(message);
        List<DkimResult> results = verifier.verify(head.fields().stream().map(MessageHead.Field::raw).toList(),
                () -> new ByteArrayInputStream(message, head.length(), message.length - head.length()),
                domain -> domain.equals("other.example"));
        assertEquals(List.of(), results);
        assertEquals(List.of(), asked);
    }

    @Test
    void aMessageWithoutSignaturesHasNoResults() throws IOException {
        assertEquals(List.of(), verify(MESSAGE));
    }

    private static byte[] sign(DkimSigner.Key key, String canonicalization) throws IOException {
        return DkimSigner.sign(MESSAGE, key, "example.com", "sel", canonicalization, SIGNED, -1);
    }

    private List<DkimResult> verify(byte[] message) throws IOException {
        MessageHead head = MessageHead.of(message);
        return verifier.verify(head.fields().stream().map(MessageHead.Field::raw).toList(),
                () -> new ByteArrayInputStream(message, head.length(), message.length - head.length()));
    }
}
