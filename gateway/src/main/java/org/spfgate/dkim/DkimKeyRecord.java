package org.spfgate.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.apache.james.jdkim.tagvalue.PublicKeyRecordImpl;

/**
 * A DKIM key record (RFC 6376 3.6.1) that jDKIM reads, plus what jDKIM 0.5 lacks: {@code
 * k=ed25519} keys (RFC 8463 4.2) and the minimum RSA key size (RFC 8301 3.2).
 */
final class DkimKeyRecord extends PublicKeyRecordImpl {

    /** RFC 8301 3.2: verifiers MUST NOT consider signatures by RSA keys under 1024 bits valid. */
    static final int MIN_RSA_BITS = 1024;

    /** The DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410 4), before the raw key. */
    private static final byte[] ED25519_SPKI_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };

    DkimKeyRecord(String record) {
        super(record);
    }

    @Override
    public PublicKey getPublicKey() {
        byte[] key;
        try {
            // RFC 6376 3.6.1: p= is base64, and may carry folding white space.
            key = Base64.getMimeDecoder().decode(getValue("p").toString().replaceAll("[ \t\r\n]", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("p= is not base64");
        }
        String type = getValue("k").toString().strip();
        try {
            if (type.equalsIgnoreCase("ed25519")) {
                // RFC 8463 4.2: p= is the raw 32-byte public key, not a SubjectPublicKeyInfo.
                if (key.length != 32) {
                    throw new IllegalStateException("an ed25519 key has 32 bytes, not " + key.length);
                }
                byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
                System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
                System.arraycopy(key, 0, spki, ED25519_SPKI_PREFIX.length, 32);
                return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            }
            if (type.equalsIgnoreCase("rsa")) {
                RSAPublicKey rsa = (RSAPublicKey) KeyFactory.getInstance("RSA")
                        .generatePublic(new X509EncodedKeySpec(key));
                if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                    throw new IllegalStateException("RSA key of " + rsa.getModulus().bitLength()
                            + " bits, fewer than " + MIN_RSA_BITS);
                }
                return rsa;
            }
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("unusable " + type + " key: " + e.getMessage());
        }
        throw new IllegalStateException("unknown key type k=" + type);
    }
}
