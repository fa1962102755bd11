package org.spfgate.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.api.PublicKeyRecord;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;
import org.spfgate.spf.SpfDns;

/**
 * Checks the {@code DKIM-Signature} fields of a message (RFC 6376 6.1) and says, for each,
 * whether it verifies.
 *
 * <p>Why not jDKIM's {@code DKIMVerifier.verify} as it stands: jDKIM 0.5 knows only RSA
 * ({@code Signature.getInstance("SHA256withED25519")} does not exist, and its key record casts
 * every key to RSA), accepts rsa-sha1, which RFC 8301 3.1 forbids, and parses the whole message
 * with mime4j into memory. So this class drives the steps itself and uses jDKIM for what it does
 * well — the signature and key records and their checks ({@link SignatureRecordImpl}, {@code
 * DKIMVerifier.publicRecordLookup}), header canonicalization ({@link SignedHeaderData}) and body
 * canonicalization with {@code l=} ({@link BodyHasherImpl}) — and adds ed25519-sha256 (RFC 8463)
 * with {@link Ed25519Sha256} and {@link DkimKeyRecord}. The body is read from the held message,
 * never parsed.
 *
 * <p>Header fields are compared as UTF-8 text (RFC 6532); a header with bytes that are not UTF-8
 * does not verify here.
 */
public final class DkimVerifier {

    /** RFC 6376 6.1: verifiers may limit how many signatures they try; the topmost are tried. */
    public static final int MAX_SIGNATURES = 5;

    /** RFC 8301 3.1 (rsa-sha1 is not valid) and RFC 8463 3. */
    private static final List<String> ALGORITHMS = List.of("rsa-sha256", "ed25519-sha256");

    /** Where the body comes from; opened once per signature, each time from its first byte. */
    @FunctionalInterface
    public interface Body {
        InputStream open() throws IOException;
    }

    private final KeyFinder keys;

    /** @param dns the gateway's DNS client: key records are TXT lookups through it */
    public DkimVerifier(SpfDns dns) {
        this.keys = new KeyFinder(new DkimKeyLookup(Objects.requireNonNull(dns, "dns")));
    }

    /**
     * @param fields the message's header fields, top first, each as {@code Name:value} with its
     *               folding kept and no final CRLF
     * @param body   the bytes after the empty line that ends the header block
     * @return one result per signature tried, top first; empty when there is none
     * @throws IOException reading the body failed
     */
    public List<DkimResult> verify(List<String> fields, Body body) throws IOException {
        return verify(fields, body, domain -> true);
    }

    /**
     * Like {@link #verify(List, Body)}, trying only the signatures whose {@code d=} (lower case)
     * {@code wanted} accepts: e.g. only the aligned ones, so that no key of an unrelated domain is
     * looked up.
     */
    public List<DkimResult> verify(List<String> fields, Body body, Predicate<String> wanted) throws IOException {
        HeaderFields headers = new HeaderFields(fields);
        List<DkimResult> results = new ArrayList<>();
        for (String field : headers.getFields("DKIM-Signature")) {
            if (results.size() == MAX_SIGNATURES) {
                break;
            }
            if (wanted.test(tag(field, "d").toLowerCase(Locale.ROOT))) {
                results.add(check(headers, field, body));
            }
        }
        return results;
    }

    private DkimResult check(Headers headers, String field, Body body) throws IOException {
        SignatureRecord signature;
        try {
            signature = new SignatureRecordImpl(field.substring(field.indexOf(':') + 1));
        } catch (RuntimeException e) {
            // Bad syntax, a missing tag, i= outside d=, h= without From, an expired x= (RFC 6376 6.1.1).
            return new DkimResult(tag(field, "d"), tag(field, "s"), DkimResult.Outcome.PERMERROR,
                    "unusable signature: " + e.getMessage());
        }
        String domain = signature.getDToken().toString().toLowerCase(Locale.ROOT);
        String selector = signature.getSelector().toString();
        String algorithm = tag(field, "a").toLowerCase(Locale.ROOT);
        if (!ALGORITHMS.contains(algorithm)) {
            return new DkimResult(domain, selector, DkimResult.Outcome.PERMERROR, "unsupported algorithm a=" + algorithm);
        }
        try {
            PublicKeyRecord key = keys.publicRecordLookup(signature);
            PublicKey publicKey = key.getPublicKey();
            if (!bodyHashMatches(signature, body)) {
                return new DkimResult(domain, selector, DkimResult.Outcome.FAIL, "body hash did not verify");
            }
            Signature verifier = algorithm.startsWith("ed25519")
                    ? new Ed25519Sha256()
                    : Signature.getInstance("SHA256withRSA");
            verifier.initVerify(publicKey);
            SignedHeaderData.feed(headers, signature, verifier);
            if (!verifier.verify(signature.getSignature())) {
                return new DkimResult(domain, selector, DkimResult.Outcome.FAIL, "signature did not verify");
            }
            return new DkimResult(domain, selector, DkimResult.Outcome.PASS, "");
        } catch (TempFailException e) {
            return new DkimResult(domain, selector, DkimResult.Outcome.TEMPERROR, e.getMessage());
        } catch (PermFailException | IllegalStateException e) {
            // No key, a revoked key (p= empty), a key that does not fit the signature (RFC 6376 6.1.2).
            return new DkimResult(domain, selector, DkimResult.Outcome.FAIL, e.getMessage());
        } catch (GeneralSecurityException e) {
            return new DkimResult(domain, selector, DkimResult.Outcome.FAIL, "signature did not verify: " + e.getMessage());
        }
    }

    /** RFC 6376 3.7: the canonicalized body, cut at {@code l=}, hashed and compared with {@code bh=}. */
    private static boolean bodyHashMatches(SignatureRecord signature, Body body) throws IOException, PermFailException {
        BodyHasherImpl hasher = new BodyHasherImpl(signature);
        try (InputStream in = body.open(); OutputStream out = hasher.getOutputStream()) {
            in.transferTo(out);
        }
        return Arrays.equals(hasher.getDigest(), signature.getBodyHash());
    }

    /** A tag's value read leniently from a field that did not parse, for the result. */
    private static String tag(String field, String name) {
        for (String part : field.substring(field.indexOf(':') + 1).split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equalsIgnoreCase(name)) {
                return part.substring(eq + 1).replaceAll("\\s+", "");
            }
        }
        return "";
    }

    /** jDKIM's key lookup and key checks, with our key records (ed25519, minimum RSA size). */
    private static final class KeyFinder extends DKIMVerifier {
        KeyFinder(DkimKeyLookup lookup) {
            super(lookup);
        }

        @Override
        protected PublicKeyRecord newPublicKeyRecord(String record) {
            return new DkimKeyRecord(record);
        }
    }
}
