package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spfgate.dialog.Dialogs.DATA;
import static org.spfgate.dialog.Dialogs.GREETING;
import static org.spfgate.dialog.Dialogs.HELO;
import static org.spfgate.dialog.Dialogs.MAIL_FROM_ALICE;
import static org.spfgate.dialog.Dialogs.RCPT_TO_BOB;
import static org.spfgate.dialog.Dialogs.READY_FOR_MESSAGE;
import static org.spfgate.dialog.Dialogs.ehlo;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.config.ConfigDefaults;
import org.spfgate.config.ConfigLoader;
import org.spfgate.config.DnsConfig;
import org.spfgate.config.HostPort;
import org.spfgate.config.MetricsConfig;
import org.spfgate.config.GatewayConfig;
import org.spfgate.Gateway;
import org.spfgate.testdns.TestDnsServer;

/** Connection limits, graceful shutdown, STARTTLS, PROXY protocol and directory delivery. */
class ListenerDialogTest {

    @Test
    void connectionsOverThePerIpLimitGet421AtTheGreeting() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).maxConnectionsPerIp(2).start()) {
            List<SmtpClient> open = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    SmtpClient c = gw.connect();
                    c.expectLine("220 mx.gateway.test ESMTP spfgate");
                    open.add(c);
                }
                try (SmtpClient third = gw.connect()) {
                    third.expectLine("421 4.7.0 Too many connections from 127.0.0.1, try again later");
                    assertTrue(third.closedByServer());
                }
                open.remove(0).close();
                assertEquals("220 mx.gateway.test ESMTP spfgate", greetingOnceASlotIsFree(gw));
            } finally {
                for (SmtpClient c : open) {
                    c.close();
                }
            }
        }
    }

    /**
     * The greeting of a new connection, tried again while the gateway has not yet noticed that a
     * client went away (it frees the slot when the session ends; on a busy machine that takes a while).
     */
    private static String greetingOnceASlotIsFree(GatewayUnderTest gw) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try (SmtpClient c = gw.connect()) {
                String greeting = c.readLine();
                if (greeting == null || !greeting.startsWith("421 4.7.0 Too many connections from ")
                        || System.nanoTime() > end) {
                    return greeting;
                }
            }
            Thread.sleep(50);
        }
    }

    @Test
    void connectionsOverTheGatewayLimitGet421() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).maxConnections(1).start();
                SmtpClient first = gw.connect()) {
            // greeted first, so that the second connection is surely the one over the limit
            first.expectLine("220 mx.gateway.test ESMTP spfgate");
            try (SmtpClient second = gw.connect()) {
                second.expectLine("421 4.7.0 Too many connections, try again later");
            }
        }
    }

    @Test
    void gracefulShutdownLetsADataInFlightFinishAndRefusesNewConnectionsAndCommands() throws Exception {
        GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).start();
        try {
            gw.internal.dataDelayMillis = 1500; // the internal server takes its time with the final dot
            SmtpClient busy = gw.connect();
            SmtpClient idle = gw.connect();
            idle.script(HELO);
            busy.script(READY_FOR_MESSAGE);
            busy.sendMessage("Subject: in flight\r\n\r\nbody\r\n");
            assertTrue(gw.internal.awaitMessageRead(Duration.ofSeconds(10)), "the message is with the internal server");
            var address = gw.address();
            CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> gw.gateway.shutdown(Duration.ofSeconds(10)));
            // idle clients are told 421 (once the gateway has stopped accepting), new ones are
            // refused by the kernel
            idle.expectLine("421 4.3.2 Service shutting down, try again later");
            assertThrows(ConnectException.class, () -> SmtpClient.connect(address));
            // the transaction in flight completes with the internal server's 250
            busy.expectLine("250 2.0.0 Ok: queued as Q...");
            busy.send("MAIL FROM:<alice@sender.test>");
            busy.expectLine("421 4.3.2 Service shutting down, try again later");
            shutdown.get(15, TimeUnit.SECONDS);
            assertTrue(gw.gateway.awaitTermination(Duration.ofSeconds(1)));
            assertEquals(1, gw.internal.deliveries().size());
            busy.close();
            idle.close();
        } finally {
            gw.close();
        }
    }

    @Test
    void shutdownDeadlineCutsADataStillArrivingAndNothingIsDelivered() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).start();
                SmtpClient slow = gw.connect()) {
            slow.script(READY_FOR_MESSAGE);
            slow.sendRaw("Subject: never finished\r\n\r\nhalf a body\r\n");
            gw.gateway.shutdown(Duration.ofMillis(300));
            assertTrue(slow.closedByServer());
            assertTrue(gw.gateway.awaitTermination(Duration.ofSeconds(10)), "every session has ended");
            assertEquals(0, gw.internal.deliveries().size());
        }
    }

    @Test
    void proxyProtocolFromAListedLoadBalancerGivesTheClientAddressToSpf(@TempDir Path dir) throws Exception {
        try (TestDnsServer dns = TestDnsServer.start(Zones.standard());
                InternalMailServer internal = new InternalMailServer()) {
            GatewayConfig config = GatewayUnderTest.onAnyFreePort(
                    smallConfig(internal, dns, dir, "proxy_protocol: [127.0.0.0/8]"));
            try (Gateway gateway = Gateway.start(config)) {
                try (SmtpClient c = SmtpClient.connect(gateway.smtpAddresses().get(0))) {
                    // forged.test designates 192.0.2.0/24: the proxied client passes
                    c.sendRaw("PROXY TCP4 192.0.2.10 127.0.0.1 40000 25\r\n");
                    c.script(GREETING + """
                            C: HELO client.example
                            S: 250 mx.gateway.test
                            C: MAIL FROM:<someone@forged.test>
                            S: 250 2.1.0 Sender OK
                            """ + RCPT_TO_BOB + DATA);
                    c.sendMessage("Subject: via LB\r\n\r\nx\r\n");
                    c.expectLine("250 2.0.0 Ok: queued as Q...");
                }
                String text = internal.deliveries().get(0).text();
                assertTrue(text.contains("client-ip=192.0.2.10"), text);
                try (SmtpClient noHeader = SmtpClient.connect(gateway.smtpAddresses().get(0))) {
                    noHeader.send("HELO client.example");
                    noHeader.expectLine("421 4.7.0 ...");
                }
            }
        }
    }

    @Test
    void startTlsOffersTls12OrNewerAndTheReceivedHeaderSaysEsmtps(@TempDir Path dir) throws Exception {
        Path[] pem = selfSignedPem(dir);
        try (TestDnsServer dns = TestDnsServer.start(Zones.standard());
                InternalMailServer internal = new InternalMailServer()) {
            GatewayConfig config = GatewayUnderTest.onAnyFreePort(smallConfig(internal, dns, dir,
                    "tls: { certificate: \"%s\", key: \"%s\" }".formatted(pem[0], pem[1])));
            try (Gateway gateway = Gateway.start(config);
                    SmtpClient plain = SmtpClient.connect(gateway.smtpAddresses().get(0))) {
                plain.script(GREETING + """
                        C: EHLO mail.sender.test
                        S: 250-mx.gateway.test
                        S: 250-PIPELINING
                        S: 250-SIZE 50000000
                        S: 250-8BITMIME
                        S: 250-STARTTLS
                        S: 250-ENHANCEDSTATUSCODES
                        S: 250 SMTPUTF8
                        C: STARTTLS
                        S: 220 2.0.0 Ready to start TLS
                        """);
                SSLSocket tls = plain.startTls(trusting(pem[0]));
                assertTrue(List.of("TLSv1.2", "TLSv1.3").contains(tls.getSession().getProtocol()),
                        tls.getSession().getProtocol());
                plain.script("""
                        C: MAIL FROM:<alice@sender.test>
                        S: 503 5.5.1 Send HELO or EHLO first
                        """ + ehlo("mail.sender.test", 50_000_000) + MAIL_FROM_ALICE + RCPT_TO_BOB + DATA);
                plain.sendMessage("Subject: secret\r\n\r\nx\r\n");
                plain.expectLine("250 2.0.0 Ok: queued as Q...");
                String text = internal.deliveries().get(0).text().replace("\r\n ", " ");
                assertTrue(text.contains("with ESMTPS id"), text);
            }
        }
    }

    @Test
    void withoutARelayMessagesAreWrittenToTheDeliveryDirectoryWithOurHeaders() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).deliverToDirectory().start()) {
            try (SmtpClient c = gw.connect()) {
                c.script(HELO + MAIL_FROM_ALICE + """
                        C: RCPT TO:<bob@ours.test>
                        S: 250 ...
                        """ + DATA);
                c.sendMessage("Subject: to a file\r\n\r\nbody\r\n");
                c.expectLine("250 ...");
            }
            List<Path> files;
            try (var list = Files.list(gw.deliveredDirectory())) {
                files = list.filter(p -> p.toString().endsWith(".eml")).toList();
            }
            assertEquals(1, files.size());
            String text = Files.readString(files.get(0), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(text.contains("Authentication-Results: mx.gateway.test; spf=pass"), text);
            assertTrue(text.contains("Received-SPF: pass "), text);
            assertTrue(text.endsWith("Subject: to a file\r\n\r\nbody\r\n"), text);
        }
    }

    @Test
    void silentClientsAreDisconnectedAfterTheCommandAndDataTimeoutsAndNothingIsDelivered() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).clientTimeouts("1s", "1s").start()) {
            try (SmtpClient idle = gw.connect()) {
                idle.expectLine("220 mx.gateway.test ESMTP spfgate");
                idle.expectLine("421 Timeout waiting for data from client.");
                assertTrue(idle.closedByServer());
            }
            try (SmtpClient stalled = gw.connect()) {
                stalled.script(READY_FOR_MESSAGE);
                stalled.sendRaw("Subject: stalled\r\n\r\nand then nothing");
                stalled.expectLine("421 4.4.2 Timeout waiting for data, closing connection");
                assertTrue(stalled.closedByServer());
            }
            assertEquals(0, gw.internal.deliveries().size());
            gw.awaitLogLine(l -> l.contains("status=aborted"));
        }
    }

    @Test
    void builtInDefaultsDeliverAcceptedMailToTheDirectoryWithOurHeaders(@TempDir Path dir) throws Exception {
        GatewayConfig defaults = ConfigDefaults.builtIn();
        try (TestDnsServer dns = TestDnsServer.start(Zones.standard())) {
            // the README's setup, with DNS pointed at the test server, any free port, a temporary directory
            GatewayConfig config = GatewayUnderTest.onAnyFreePort(new GatewayConfig(defaults.server(), defaults.domains(),
                    defaults.relay(), dir.resolve("delivered"),
                    new DnsConfig(List.of(new HostPort("127.0.0.1", dns.port())), defaults.dns().queryTimeout(),
                            defaults.dns().checkTimeout()),
                    defaults.spf(), defaults.trusted(), new MetricsConfig(null), defaults.log()));
            try (Gateway gateway = Gateway.start(config);
                    SmtpClient c = SmtpClient.connect(gateway.smtpAddresses().get(0))) {
                c.expectLine("220 " + defaults.server().hostname() + " ESMTP spfgate");
                c.script("""
                        C: HELO mail.sender.test
                        S: 250 ...
                        """ + MAIL_FROM_ALICE + """
                        C: RCPT TO:<newcomer@example.test>
                        S: 250 ...
                        """ + DATA);
                c.sendMessage("Subject: first message\r\n\r\nhello\r\n");
                c.expectLine("250 ...");
            }
            try (var files = Files.list(dir.resolve("delivered"))) {
                List<Path> eml = files.filter(p -> p.toString().endsWith(".eml")).toList();
                assertEquals(1, eml.size());
                String text = Files.readString(eml.get(0), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertTrue(text.contains("Received-SPF: pass "), text);
                assertTrue(text.contains("Authentication-Results: " + defaults.server().hostname() + "; spf=pass"), text);
                assertTrue(text.contains("\r\nReceived: from mail.sender.test"), text);
                assertTrue(text.endsWith("Subject: first message\r\n\r\nhello\r\n"), text);
            }
        }
    }

    @Test
    void everyListenAddressServesAndAnIpv6ClientIsCheckedWithItsIpv6Address(@TempDir Path dir) throws Exception {
        try (TestDnsServer dns = TestDnsServer.start(Zones.standard().txt("v6.test", "v=spf1 ip6:::1 -all"));
                InternalMailServer internal = new InternalMailServer()) {
            GatewayConfig config = GatewayUnderTest.onFreePorts(smallConfig(internal, dns, dir), "127.0.0.1", "::1");
            try (Gateway gateway = Gateway.start(config)) {
                assertEquals(2, gateway.smtpAddresses().size());
                for (var address : gateway.smtpAddresses()) {
                    try (SmtpClient c = SmtpClient.connect(address)) {
                        c.script(GREETING + """
                                C: HELO client.test
                                S: 250 mx.gateway.test
                                C: MAIL FROM:<someone@v6.test>
                                S: 250 2.1.0 Sender OK
                                C: RCPT TO:<bob@ours.test>
                                """);
                        // v6.test designates only ::1
                        c.expectLine(address.getAddress() instanceof java.net.Inet6Address ? "250 Ok" : "550 5.7.23 ...");
                    }
                }
            }
        }
    }

    @Test
    void aListenAddressAlreadyInUseStopsTheStartWithTheAddressInTheMessage(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            GatewayConfig config = ConfigLoader.parse("""
                    server:
                      listen: ["127.0.0.1:%d"]
                    relay: { host: 127.0.0.1, port: 1 }
                    dns: { servers: ["127.0.0.1:1"] }
                    metrics: { listen: null }
                    log: { file: "%s" }
                    """.formatted(taken.getLocalPort(), dir.resolve("log")), "port in use");
            IOException e = assertThrows(IOException.class, () -> Gateway.start(config));
            assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
    }

    /** A committed self-signed test certificate and its key (see test resources tls/README.md). */
    static Path[] selfSignedPem(Path dir) throws Exception {
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        try (var c = ListenerDialogTest.class.getResourceAsStream("/tls/ec.crt");
                var k = ListenerDialogTest.class.getResourceAsStream("/tls/ec.key")) {
            Files.copy(c, cert);
            Files.copy(k, key);
        }
        return new Path[] {cert, key};
    }

    /** A client's TLS that trusts this certificate only: the gateway must present the one it was given. */
    static SSLContext trusting(Path certificate) throws Exception {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        try (var in = Files.newInputStream(certificate)) {
            anchors.setCertificateEntry("gateway", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(anchors);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /**
     * The config of a test that starts its own {@link Gateway}: our hostname, one domain, the
     * internal server and the test DNS server on loopback, no metrics listener; {@code serverLines}
     * go into {@code server:}.
     */
    private static GatewayConfig smallConfig(InternalMailServer internal, TestDnsServer dns, Path dir,
            String... serverLines) throws Exception {
        return ConfigLoader.parse("""
                server:
                  hostname: mx.gateway.test
                  listen: ["127.0.0.1:2525"]
                %s
                domains: [ours.test]
                relay: { host: 127.0.0.1, port: %d, tls: none }
                dns: { servers: ["127.0.0.1:%d"], query_timeout: 300ms }
                metrics: { listen: null }
                log: { file: "%s" }
                """.formatted(Stream.of(serverLines).map(line -> "  " + line + "\n").collect(Collectors.joining()),
                internal.port(), dns.port(), dir.resolve("log")), "listener dialog test");
    }
}
