package org.spfgate.listener;

import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spfgate.config.ServerConfig.TlsConfig;

/**
 * The STARTTLS certificate and key, replaceable while the gateway runs: each handshake takes the
 * pair current at that moment. {@link #refresh()} re-reads the files when their content changed
 * (a renewal by certbot, which writes new files behind a symlink, or by cert-manager, which swaps
 * a Secret's directory) — by content, not by modification time or inotify, which both miss a
 * symlink swapped to a file with an older time. A pair that does not load (unreadable, not PEM,
 * key and certificate not belonging together — e.g. read between the two writes of a renewal)
 * keeps the pair in use and is logged once.
 */
public final class ServerTls {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    private volatile SSLContext context;
    private TlsConfig files;
    private String loaded;
    private String refused;

    private ServerTls(TlsConfig files, SSLContext context, String fingerprint) {
        this.files = files;
        this.context = context;
        this.loaded = fingerprint;
    }

    /** @throws IOException naming the file and what is wrong with it */
    public static ServerTls load(TlsConfig files) throws IOException {
        String fingerprint = fingerprint(files);
        return new ServerTls(files, PemKeyMaterial.serverContext(files.certificate(), files.key()), fingerprint);
    }

    /** The pair for the next handshake. */
    SSLContext context() {
        return context;
    }

    /**
     * Loads the files again if their content changed since the pair in use was loaded.
     *
     * @return whether a new pair is in use now
     */
    public synchronized boolean refresh() {
        String now;
        try {
            now = fingerprint(files);
        } catch (IOException e) {
            if (!("unreadable " + e.getMessage()).equals(refused)) {
                refused = "unreadable " + e.getMessage();
                LOG.warn("server.tls: cannot read {} / {}: {}; keeping the certificate in use",
                        files.certificate(), files.key(), e.getMessage());
            }
            return false;
        }
        if (now.equals(loaded) || now.equals(refused)) {
            return false;
        }
        try {
            context = PemKeyMaterial.serverContext(files.certificate(), files.key());
            loaded = now;
            refused = null;
            LOG.info("server.tls: {} and {} changed: new STARTTLS handshakes use the new certificate",
                    files.certificate(), files.key());
            return true;
        } catch (IOException e) {
            refused = now;
            LOG.warn("server.tls: the changed certificate and key do not load, keeping the ones in use: {}", e.getMessage());
            return false;
        }
    }

    /**
     * Switches to {@code next} (on a config reload: the same files re-read, or others).
     *
     * @throws IOException when that pair does not load; the pair in use stays
     */
    public synchronized void use(TlsConfig next) throws IOException {
        String fingerprint = fingerprint(next);
        context = PemKeyMaterial.serverContext(next.certificate(), next.key());
        files = next;
        loaded = fingerprint;
        refused = null;
    }

    private static String fingerprint(TlsConfig files) throws IOException {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(Files.readAllBytes(files.certificate()));
            sha256.update((byte) 0);
            sha256.update(Files.readAllBytes(files.key()));
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JVM", e);
        }
    }
}
