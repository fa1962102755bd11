package org.spfgate.dkim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.apache.james.jdkim.tagvalue.SignatureRecordTemplate;
import org.spfgate.message.MessageHead;

/**
 * The Java signer of the tests: jDKIM's signature template, body hasher and header
 * canonicalization, with RSA or {@link Ed25519Sha256}. Prepends the {@code DKIM-Signature}
 * field to the message.
 */
public final class DkimSigner {

    /** A key pair with its DNS key record (RFC 6376 3.6.1; RFC 8463 4.2 for ed25519). */
    public record Key(String algorithm, KeyPair pair) {
        public static Key rsa(int bits) {
            return new Key("rsa-sha256", generate("RSA", bits));
        }

        public static Key ed25519() {
            return new Key("ed25519-sha256", generate("Ed25519", 0));
        }

        /** The TXT record text of the key. */
        public String record() {
            if (algorithm.startsWith("ed25519")) {
                byte[] spki = pair.getPublic().getEncoded();
                byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
                return "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw);
            }
            return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        }

        /** The record split into DNS character-strings of at most 255 bytes. */
        public String[] recordStrings() {
            String r = record();
            int n = (r.length() + 254) / 255;
            String[] parts = new String[n];
            for (int i = 0; i < n; i++) {
                parts[i] = r.substring(i * 255, Math.min(r.length(), (i + 1) * 255));
            }
            return parts;
        }

        /**
         * The private key as python3-dkim reads it: PKCS#8 PEM for RSA; for ed25519 the base64
         * of the 32-byte seed, which ends Java's PKCS#8 encoding (RFC 8410 7).
         */
        public String privateKeyFile() {
            byte[] pkcs8 = pair.getPrivate().getEncoded();
            if (algorithm.startsWith("ed25519")) {
                return Base64.getEncoder().encodeToString(Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length)) + "\n";
            }
            return "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
                    + "\n-----END PRIVATE KEY-----\n";
        }

        private static KeyPair generate(String algorithm, int bits) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
                if (bits > 0) {
                    generator.initialize(bits);
                }
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private DkimSigner() {
    }

    /**
     * @param canonicalization e.g. {@code relaxed/simple}
     * @param length           {@code l=} value, or -1 for none
     * @return the message with the new {@code DKIM-Signature} field on top
     */
    public static byte[] sign(byte[] message, Key key, String domain, String selector, String canonicalization,
            List<String> signedFields, long length) throws IOException {
        MessageHead head = MessageHead.of(message);
        byte[] body = Arrays.copyOfRange(message, head.length(), message.length);
        String template = "v=1; a=" + key.algorithm() + "; c=" + canonicalization + "; d=" + domain + "; s=" + selector
                + "; t=" + (System.currentTimeMillis() / 1000)
                + (length >= 0 ? "; l=" + length : "")
                + "; h=" + String.join(":", signedFields) + "; bh=; b=;";
        try {
            SignatureRecordTemplate record = new SignatureRecordTemplate(template);
            BodyHasherImpl hasher = new BodyHasherImpl(record);
            try (OutputStream out = hasher.getOutputStream()) {
                new ByteArrayInputStream(body).transferTo(out);
            }
            record.setBodyHash(hasher.getDigest());
            Signature signer = key.algorithm().startsWith("ed25519") ? new Ed25519Sha256()
                    : Signature.getInstance("SHA256withRSA");
            signer.initSign(key.pair().getPrivate());
            List<String> fields = head.fields().stream().map(MessageHead.Field::raw).toList();
            SignedHeaderData.feed(new HeaderFields(fields), record, signer);
            record.setSignature(signer.sign());
            ByteArrayOutputStream signed = new ByteArrayOutputStream();
            signed.writeBytes(("DKIM-Signature: " + record.toString().strip() + "\r\n").getBytes(StandardCharsets.UTF_8));
            signed.writeBytes(message);
            return signed.toByteArray();
        } catch (GeneralSecurityException | org.apache.james.jdkim.exceptions.PermFailException e) {
            throw new IOException("signing failed: " + e.getMessage(), e);
        }
    }
}
