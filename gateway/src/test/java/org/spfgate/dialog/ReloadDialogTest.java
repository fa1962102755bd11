package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.Gateway;
import org.spfgate.config.ConfigLoader;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;

/**
 * Changing a running gateway: {@link Gateway#reload} (what SIGHUP calls) with the config file
 * rewritten in between, watched over real SMTP connections. Sessions keep the configuration they
 * started with, new connections get the new one, a broken file changes nothing, and clients that
 * keep sending through reloads never lose a connection. The STARTTLS certificate follows its file
 * with no signal at all.
 */
class ReloadDialogTest {

    private static final String MESSAGE = "Subject: reload\r\n\r\nHello.\r\n";

    @TempDir
    Path dir;
    private TestDnsServer dns;
    private InternalMailServer internal;
    private Gateway gateway;
    private Path file;

    private void start(String domains, String trusted, String tls) throws Exception {
        dns = TestDnsServer.start(new TestZone()
                .txt("sender.test", "v=spf1 ip4:127.0.0.1 -all")
                .txt("forger.test", "v=spf1 ip4:192.0.2.1 -all"));
        internal = new InternalMailServer();
        file = dir.resolve("spfgate.yaml");
        write(domains, trusted, tls);
        gateway = Gateway.start(GatewayUnderTest.onAnyFreePort(ConfigLoader.load(file)));
    }

    private void write(String domains, String trusted, String tls) throws Exception {
        Files.writeString(file, """
                server:
                  hostname: mx.gateway.test
                  listen: ["127.0.0.1:2525"]
                  max_connections_per_ip: 100   # 20 clients, each reconnecting before the server saw its last close
                  max_transactions_per_ip: 100  # and all 20 from 127.0.0.1 in a transaction at once
                %s
                domains: [%s]
                relay: { host: 127.0.0.1, port: %d, tls: none, connections: 4 }
                dns: { servers: ["127.0.0.1:%d"], query_timeout: 300ms }
                spf: { check_helo: false }
                trusted: %s
                metrics: { listen: null }
                log: { file: "%s" }
                """.formatted(tls, domains, internal.port(), dns.port(), trusted, dir.resolve("decisions.log")));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (internal != null) {
            internal.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    /** Connected, greeted and past EHLO (whatever extensions it lists). */
    private SmtpClient greeted() throws Exception {
        SmtpClient c = SmtpClient.connect(gateway.smtpAddresses().get(0));
        c.script("""
                S: 220 mx.gateway.test ...
                C: EHLO mail.sender.test
                """);
        String line;
        do {
            line = c.readLine();
        } while (line.startsWith("250-"));
        assertTrue(line.startsWith("250 "), line);
        return c;
    }

    @Test
    void aTransactionOpenAcrossAReloadCompletesUnderTheConfigItStartedWith() throws Exception {
        start("ours.test", "[]", "");
        try (SmtpClient c = greeted()) {
            mailAndRcpt(c, "<alice@sender.test>", "<bob@ours.test>", "250 ...");
            write("other.test", "[]", ""); // ours.test is no longer ours
            assertTrue(gateway.reload(file));
            c.script("""
                    C: RCPT TO:<carol@ours.test>
                    S: 250 ...
                    C: DATA
                    S: 354 ...
                    """);
            c.sendMessage(MESSAGE);
            c.expectLine("250 ...");
        }
        assertEquals(List.of("bob@ours.test", "carol@ours.test"), internal.deliveries().get(0).recipients());
        try (SmtpClient next = greeted()) {
            mailAndRcpt(next, "<alice@sender.test>", "<bob@ours.test>", "554 5.7.1 ...");
        }
    }

    @Test
    void aNewConnectionSeesAnAddedDomainAndARemovedTrustedEntry() throws Exception {
        start("ours.test", "[{ name: loopback, networks: [127.0.0.0/8] }]", "");
        try (SmtpClient before = greeted()) {
            mailAndRcpt(before, "<mallory@forger.test>", "<bob@ours.test>", "250 ...");
            before.script("C: RSET\nS: 250 ...");
            mailAndRcpt(before, "<alice@sender.test>", "<bob@added.test>", "554 5.7.1 ...");
        }
        write("ours.test, added.test", "[]", "");
        double before = reloads("success");
        assertTrue(gateway.reload(file));
        assertEquals(before + 1, reloads("success"));
        try (SmtpClient after = greeted()) {
            mailAndRcpt(after, "<mallory@forger.test>", "<bob@ours.test>", "550 5.7.23 ...");
            after.script("C: RSET\nS: 250 ...");
            mailAndRcpt(after, "<alice@sender.test>", "<bob@added.test>", "250 ...");
        }
    }

    @Test
    void aBrokenFileChangesNothingAndCountsAsAFailure() throws Exception {
        start("ours.test", "[]", "");
        String good = Files.readString(file);
        Files.writeString(file, good.replace("domains: [ours.test]", "domains: [other.test]")
                .replace("spf: { check_helo: false }", "spf: { check_helo: maybe }"));
        double succeeded = reloads("success");
        double failed = reloads("failure");
        assertFalse(gateway.reload(file));
        assertEquals(failed + 1, reloads("failure"));
        assertEquals(succeeded, reloads("success"));
        // a file that parses but names a certificate that is not there: refused as well
        Files.writeString(file, good.replace("domains: [ours.test]", "domains: [other.test]")
                .replace("listen: [\"127.0.0.1:2525\"]\n", "listen: [\"127.0.0.1:2525\"]\n  tls: { certificate: \""
                        + dir.resolve("missing.crt") + "\", key: \"" + dir.resolve("missing.key") + "\" }\n"));
        assertFalse(gateway.reload(file));
        assertEquals(failed + 2, reloads("failure"));
        try (SmtpClient c = greeted()) {
            mailAndRcpt(c, "<alice@sender.test>", "<bob@ours.test>", "250 ...");
        }
    }

    @Test
    void noConnectionIsDroppedWhileTwentyClientsSendDuringTenReloads() throws Exception {
        start("ours.test", "[]", "");
        int clients = 20;
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        java.util.concurrent.atomic.AtomicBoolean reloading = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Future<Integer>> senders = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int client = i;
            senders.add(pool.submit(() -> {
                int sent = 0;
                // each client keeps sending, one connection after another, until the reloads are done
                while (reloading.get() || sent == 0) {
                    try (SmtpClient c = greeted()) {
                        c.script("""
                                C: MAIL FROM:<alice@sender.test>
                                S: 250 2.1.0 ...
                                C: RCPT TO:<client%d@ours.test>
                                S: 250 ...
                                C: DATA
                                S: 354 ...
                                """.formatted(client));
                        c.sendMessage(MESSAGE);
                        c.expectLine("250 ...");
                        c.script("""
                                C: QUIT
                                S: 221 ...
                                """);
                    }
                    sent++;
                }
                return sent;
            }));
        }
        double succeeded = reloads("success");
        for (int reload = 0; reload < 10; reload++) {
            // alternate the relay pool size: each reload replaces the pool while transactions use it
            write("ours.test", "[]", "");
            Files.writeString(file, Files.readString(file).replace("connections: 4", "connections: " + (2 + reload % 3)));
            assertTrue(gateway.reload(file), "reload " + reload);
        }
        reloading.set(false);
        int messages = 0;
        for (Future<Integer> sender : senders) {
            messages += sender.get(60, TimeUnit.SECONDS); // an exception here is a dropped or refused transaction
        }
        pool.shutdown();
        assertEquals(succeeded + 10, reloads("success"));
        assertEquals(messages, internal.deliveries().size(), "every message the clients were told 250 for arrived");
        assertTrue(messages >= clients);
    }

    @Test
    void aReplacedCertificateIsServedToTheNextStarttlsWithoutASignal() throws Exception {
        Path[] ec = ListenerDialogTest.selfSignedPem(dir);
        Path cert = dir.resolve("live.crt");
        Path key = dir.resolve("live.key");
        Files.copy(ec[0], cert);
        Files.copy(ec[1], key);
        start("ours.test", "[]", "  tls: { certificate: \"" + cert + "\", key: \"" + key + "\" }");
        assertEquals(subject(ec[0]), served(ec[0]));

        // a renewal: the new pair written beside, then moved over the old files (as certbot's
        // symlink swap or cert-manager's directory swap do, the files change in one step each)
        Path newCert = dir.resolve("rsa.crt");
        Path newKey = dir.resolve("rsa.key");
        try (var c = getClass().getResourceAsStream("/tls/rsa.crt"); var k = getClass().getResourceAsStream("/tls/rsa.key")) {
            Files.copy(c, newCert);
            Files.copy(k, newKey);
        }
        Files.copy(newKey, dir.resolve("next.key"));
        Files.move(dir.resolve("next.key"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.copy(newCert, dir.resolve("next.crt"));
        Files.move(dir.resolve("next.crt"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String now = null;
        while (System.nanoTime() < end && !subject(newCert).equals(now)) {
            now = served(newCert); // the old certificate fails this client's trust check: null
        }
        assertEquals(subject(newCert), now, "the renewed certificate is served within 20 s, with no signal");

        // a broken pair (a key that belongs to another certificate) keeps the one in use, logged
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(new java.io.OutputStream() { // the log goes on to stderr too
            @Override
            public void write(int b) {
                stderr.write(b);
                synchronized (log) {
                    log.write(b);
                }
            }
        }, true));
        try {
            Files.copy(ec[1], dir.resolve("wrong.key"));
            Files.move(dir.resolve("wrong.key"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < until && !log.toString().contains("do not load, keeping the ones in use")) {
                Thread.sleep(50);
            }
        } finally {
            System.setErr(stderr);
        }
        assertTrue(log.toString().contains("server.tls: the changed certificate and key do not load, keeping the ones in use"),
                log.toString());
        assertEquals(subject(newCert), served(newCert));
    }

    /** MAIL FROM and one RCPT TO, with the reply the RCPT must get. */
    private static void mailAndRcpt(SmtpClient c, String from, String to, String rcptReply) throws Exception {
        c.script("C: MAIL FROM:" + from + "\nS: 250 2.1.0 ...\nC: RCPT TO:" + to + "\nS: " + rcptReply);
    }

    /** spfgate_config_reloads_total{result} as the endpoint would serve it. */
    private double reloads(String result) {
        return gateway.metrics().registry().get("spfgate.config.reloads").tag("result", result).counter().count();
    }

    private static String subject(Path certificate) throws Exception {
        try (var in = Files.newInputStream(certificate)) {
            return ((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in)).getSubjectX500Principal().getName();
        }
    }

    /** STARTTLS trusting only {@code expected}: the subject of the certificate served, or null if another one was. */
    private String served(Path expected) throws Exception {
        try (SmtpClient c = greeted()) {
            c.script("""
                    C: STARTTLS
                    S: 220 ...
                    """);
            try {
                SSLSocket tls = c.startTls(ListenerDialogTest.trusting(expected));
                return ((X509Certificate) tls.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
            } catch (javax.net.ssl.SSLException otherCertificate) {
                return null;
            }
        }
    }
}
