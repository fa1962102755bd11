package org.spfgate.dkim;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;

/**
 * The ed25519-sha256 signing algorithm of RFC 8463 3: PureEdDSA (Ed25519) over the SHA-256
 * hash of the canonicalized header data, not over the data itself. As a {@link Signature}, it
 * plugs into jDKIM's header canonicalization, which feeds a {@code Signature} object.
 */
final class Ed25519Sha256 extends Signature {

    private final MessageDigest sha256;
    private PublicKey publicKey;
    private PrivateKey privateKey;

    Ed25519Sha256() {
        super("ed25519-sha256");
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
        publicKey = key;
        privateKey = null;
        sha256.reset();
    }

    @Override
    protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
        privateKey = key;
        publicKey = null;
        sha256.reset();
    }

    @Override
    protected void engineUpdate(byte b) {
        sha256.update(b);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) {
        sha256.update(b, off, len);
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
        try {
            Signature ed = Signature.getInstance("Ed25519");
            ed.initSign(privateKey);
            ed.update(sha256.digest());
            return ed.sign();
        } catch (GeneralSecurityException e) {
            throw new SignatureException(e);
        }
    }

    @Override
    protected boolean engineVerify(byte[] signature) throws SignatureException {
        try {
            Signature ed = Signature.getInstance("Ed25519");
            ed.initVerify(publicKey);
            ed.update(sha256.digest());
            return ed.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new SignatureException(e);
        }
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) {
        throw new UnsupportedOperationException("no parameters");
    }

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) {
        throw new UnsupportedOperationException("no parameters");
    }
}
