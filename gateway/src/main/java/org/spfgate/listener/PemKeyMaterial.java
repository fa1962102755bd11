package org.spfgate.listener;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The STARTTLS certificate chain and private key from the PEM files named in {@code server.tls}
 * (what certbot and most CAs hand out). The key must be PKCS#8 ({@code BEGIN PRIVATE KEY}); RSA,
 * EC and EdDSA keys are recognised.
 */
public final class PemKeyMaterial {

    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final char[] NO_PASSWORD = new char[0];

    private PemKeyMaterial() {
    }

    /** @throws IOException naming the file and what is wrong with it */
    public static SSLContext serverContext(Path certificateFile, Path keyFile) throws IOException {
        try {
            Certificate[] chain = certificates(certificateFile);
            PrivateKey key = privateKey(keyFile);
            if (!belongTogether(key, chain[0])) {
                throw new IOException("server.tls: the key in " + keyFile + " does not belong to the first certificate in "
                        + certificateFile);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("spfgate", key, NO_PASSWORD, chain);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, NO_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("server.tls: " + certificateFile + " / " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** Signs a probe with the key and checks it with the certificate: caught at start, not at the first handshake. */
    private static boolean belongTogether(PrivateKey key, Certificate certificate) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        if (!certificate.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            return false;
        }
        byte[] probe = "spfgate".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        try {
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (InvalidKeyException otherKind) {
            return false;
        }
    }

    private static Certificate[] certificates(Path file) throws IOException, GeneralSecurityException {
        // The JDK's X.509 factory reads PEM blocks itself.
        Certificate[] chain = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)))
                .toArray(Certificate[]::new);
        if (chain.length == 0) {
            throw new IOException("server.tls.certificate: no certificate in " + file);
        }
        return chain;
    }

    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = PKCS8.matcher(pem);
        if (!m.find()) {
            throw new IOException("server.tls.key: " + file + " holds no PKCS#8 \"BEGIN PRIVATE KEY\" block"
                    + " (convert with: openssl pkcs8 -topk8 -nocrypt -in KEY)");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException notThisAlgorithm) {
                // try the next one
            }
        }
        throw new IOException("server.tls.key: " + file + ": not an RSA, EC or EdDSA private key");
    }
}
