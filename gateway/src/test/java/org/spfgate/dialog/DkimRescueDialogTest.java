package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spfgate.dialog.Dialogs.DATA;
import static org.spfgate.dialog.Dialogs.EHLO;
import static org.spfgate.dialog.Dialogs.QUIT;
import static org.spfgate.dialog.Dialogs.RCPT_TO_BOB;
import static org.spfgate.dialog.ExtensionsAndMetricsDialogTest.delta;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spfgate.cli.SpfgateCommand;
import org.spfgate.dkim.DkimSigner;
import org.spfgate.testdns.TestZone;

/**
 * {@code spf.dkim_rescue: [fail]}: forwarded mail whose SPF fails is accepted at RCPT and
 * decided at the final dot by an aligned DKIM signature, with the keys published in the test DNS
 * server and a real internal server behind the gateway; and {@code explain}, with the same
 * config, names the reply an unsigned message gets at the final dot.
 */
class DkimRescueDialogTest {

    private static final DkimSigner.Key RSA = DkimSigner.Key.rsa(2048);
    private static final DkimSigner.Key ED25519 = DkimSigner.Key.ed25519();
    private static final DkimSigner.Key UNRELATED = DkimSigner.Key.rsa(2048);
    private static final List<String> SIGNED = List.of("from", "to", "subject");
    private static final String FAIL_REPLY = "550 5.7.23 signer.test does not designate 127.0.0.1 as permitted sender";

    private static GatewayUnderTest gw;

    @BeforeAll
    static void start() throws Exception {
        TestZone zone = Zones.standard()
                // the forwarder (127.0.0.1) is not a designated sender of signer.test: SPF fail
                .txt("signer.test", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("bounce.mail.signer.test", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("sel._domainkey.signer.test", RSA.recordStrings())
                .txt("ed._domainkey.signer.test", ED25519.recordStrings())
                .txt("sel._domainkey.unrelated.test", UNRELATED.recordStrings())
                .servfail("broken._domainkey.signer.test");
        gw = GatewayUnderTest.with(zone).dkimRescue("[fail]").start();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static byte[] message(String from) {
        return ("From: <" + from + ">\r\nTo: <bob@ours.test>\r\nSubject: forwarded\r\n\r\n"
                + "Hello Bob, this went through a forwarder.\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] signed(String from, DkimSigner.Key key, String domain, String selector) throws Exception {
        return DkimSigner.sign(message(from), key, domain, selector, "relaxed/relaxed", SIGNED, -1);
    }

    /** MAIL FROM {@code sender}, RCPT TO bob (accepted although SPF fails), DATA, the message. */
    private static String finalReply(String sender, byte[] message) throws Exception {
        try (SmtpClient c = gw.connect()) {
            c.script(EHLO + """
                    C: MAIL FROM:<%s>
                    S: 250 2.1.0 Sender OK
                    """.formatted(sender) + RCPT_TO_BOB + DATA);
            c.sendRaw(message).sendRaw(".\r\n");
            String reply = c.readReply();
            c.script(QUIT);
            return reply;
        }
    }

    @Test
    void anAlignedSignatureRescuesTheMessageWhichIsRelayedAndStamped() throws Exception {
        String before = gw.gateway.metrics().scrape();
        int delivered = gw.internal.deliveries().size();
        byte[] message = signed("alice@signer.test", RSA, "signer.test", "sel");

        String reply = finalReply("alice@signer.test", message);

        assertTrue(reply.startsWith("250 2.0.0 Ok: queued as "), reply);
        assertEquals(delivered + 1, gw.internal.deliveries().size());
        InternalMailServer.Delivery d = gw.internal.deliveries().get(delivered);
        String text = d.text();
        String unfolded = text.replace("\r\n ", " ").replace("\r\n\t", " ");
        assertTrue(unfolded.startsWith("Authentication-Results: mx.gateway.test; spf=fail smtp.mailfrom=alice@signer.test"
                + " smtp.helo=mail.sender.test; dkim=pass header.d=signer.test header.s=sel\r\n"), text);
        assertTrue(text.contains("\r\nReceived-SPF: fail "), text);
        // our headers, then the client's message byte for byte: the signature still verifies
        byte[] data = d.data();
        assertArrayEquals(message, Arrays.copyOfRange(data, data.length - message.length, data.length));
        String line = gw.awaitLogLine(l -> l.contains("from=<alice@signer.test>") && l.contains("status="));
        assertTrue(line.contains("status=relayed") && line.contains("rescued_by=dkim d=signer.test"), line);
        String after = gw.gateway.metrics().scrape();
        assertEquals(1, delta(before, after, "spfgate_dkim_rescues_total{outcome=\"rescued\"}"));
        assertEquals(1, delta(before, after, "spfgate_messages_total{outcome=\"relayed\"}"));
    }

    @Test
    void aSignatureOfTheOrganizationalDomainRescuesASubdomainSender() throws Exception {
        String reply = finalReply("alice@bounce.mail.signer.test",
                signed("alice@bounce.mail.signer.test", ED25519, "signer.test", "ed"));
        assertTrue(reply.startsWith("250 2.0.0 Ok: queued as "), reply);
        String line = gw.awaitLogLine(l -> l.contains("from=<alice@bounce.mail.signer.test>") && l.contains("status="));
        assertTrue(line.contains("rescued_by=dkim d=signer.test"), line);
    }

    @Test
    void aValidSignatureOfAnUnrelatedDomainIsRefusedAfterDataAndNothingIsRelayed() throws Exception {
        String before = gw.gateway.metrics().scrape();
        int delivered = gw.internal.deliveries().size();

        String reply = finalReply("carol@signer.test", signed("carol@signer.test", UNRELATED, "unrelated.test", "sel"));

        assertEquals(FAIL_REPLY, reply);
        assertEquals(delivered, gw.internal.deliveries().size());
        String line = gw.awaitLogLine(l -> l.contains("from=<carol@signer.test>") && l.contains("status="));
        assertTrue(line.contains("status=rejected") && line.contains("reason=spf_fail"), line);
        String after = gw.gateway.metrics().scrape();
        assertEquals(1, delta(before, after, "spfgate_dkim_rescues_total{outcome=\"refused\"}"));
        assertEquals(1, delta(before, after, "spfgate_rejections_total{reason=\"spf_fail\"}"));
        // no key of the unrelated domain was even looked up
        assertEquals(0, gw.dns.queryCount("sel._domainkey.unrelated.test", "TXT"));
    }

    @Test
    void aBodyChangedAfterSigningIsRefusedWithTheReplyRcptWouldHaveGiven() throws Exception {
        int delivered = gw.internal.deliveries().size();
        byte[] changed = new String(signed("dave@signer.test", RSA, "signer.test", "sel"), StandardCharsets.UTF_8)
                .replace("Hello Bob", "Hello Eve").getBytes(StandardCharsets.UTF_8);

        assertEquals(FAIL_REPLY, finalReply("dave@signer.test", changed));
        assertEquals(delivered, gw.internal.deliveries().size());
    }

    @Test
    void anUnsignedMessageIsRefusedAtTheFinalDot() throws Exception {
        assertEquals(FAIL_REPLY, finalReply("erin@signer.test", message("erin@signer.test")));
    }

    @Test
    void aKeyLookupThatFailsInDnsDefersTheMessage() throws Exception {
        String before = gw.gateway.metrics().scrape();
        int delivered = gw.internal.deliveries().size();

        String reply = finalReply("frank@signer.test", signed("frank@signer.test", RSA, "signer.test", "broken"));

        assertTrue(reply.startsWith("451 4.4.3 "), reply);
        assertEquals(delivered, gw.internal.deliveries().size());
        String after = gw.gateway.metrics().scrape();
        assertEquals(1, delta(before, after, "spfgate_dkim_rescues_total{outcome=\"temperror\"}"));
        assertEquals(1, delta(before, after, "spfgate_messages_total{outcome=\"deferred\"}"));
        assertTrue(delta(before, after, "spfgate_dns_queries_total{outcome=\"servfail\",type=\"txt\"}") >= 1);
    }

    @Test
    void anExemptRecipientAfterOneWaitingForDkimIsSentToAnotherTransaction() throws Exception {
        try (SmtpClient c = gw.connect()) {
            c.script(EHLO + """
                    C: MAIL FROM:<grace@signer.test>
                    S: 250 2.1.0 Sender OK
                    """ + RCPT_TO_BOB + """
                    C: RCPT TO:<postmaster@ours.test>
                    S: 452 4.5.3 Send this recipient in a separate transaction
                    C: RSET
                    S: 250 2.0.0 Ok
                    C: MAIL FROM:<grace@signer.test>
                    S: 250 2.1.0 Sender OK
                    C: RCPT TO:<postmaster@ours.test>
                    S: 250 Ok
                    C: RCPT TO:<bob@ours.test>
                    S: 452 4.5.3 Send this recipient in a separate transaction
                    """ + QUIT);
        }
    }

    @Test
    void aClientThatDisconnectsWhileItsMessageIsHeldLeavesNoTemporaryFile() throws Exception {
        try (SmtpClient c = gw.connect()) {
            c.script(EHLO + """
                    C: MAIL FROM:<heidi@signer.test>
                    S: 250 2.1.0 Sender OK
                    """ + RCPT_TO_BOB + DATA);
            // more than the memory bound: the held message goes to a file
            c.sendRaw(message("heidi@signer.test"));
            byte[] line = ("x".repeat(998) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 400; i++) {
                c.sendRaw(line);
            }
            awaitHeldFiles(1);
        }
        // the client is gone: the transaction ends aborted, and its file with it
        String logged = gw.awaitLogLine(l -> l.contains("from=<heidi@signer.test>"));
        assertTrue(logged.contains("status=aborted"), logged);
        awaitHeldFiles(0);
        assertEquals(0, heldFiles());
    }

    private static long heldFiles() throws Exception {
        try (Stream<?> files = Files.list(gw.heldDirectory())) {
            return files.count();
        }
    }

    /** Waits (briefly) until the held directory has {@code n} files. */
    private static void awaitHeldFiles(long n) throws Exception {
        long end = System.nanoTime() + 5_000_000_000L;
        while (heldFiles() != n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("held directory has " + heldFiles() + " files, expected " + n);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void explainSaysTheVerdictWaitsForDataAndNamesTheReplyAnUnsignedMessageGetsAtTheFinalDot() throws Exception {
        String reply = finalReply("ivan@signer.test", message("ivan@signer.test"));
        assertEquals(FAIL_REPLY, reply);

        StringWriter out = new StringWriter();
        int code = SpfgateCommand.commandLine((config, file) -> {
            throw new AssertionError("explain must not start a gateway");
        }).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(new StringWriter(), true))
                .execute("explain", "--config", gw.configFile.toString(), "--ip", "127.0.0.1", "--helo",
                        "mail.sender.test", "--from", "ivan@signer.test", "--rcpt", "bob@ours.test");
        List<String> lines = out.toString().lines().toList();
        String all = String.join("\n", lines);
        assertTrue(lines.contains("rcpt bob@ours.test: accepted; the internal server's own reply to RCPT would follow"
                + " (not asked: explain sends nothing)"), all);
        assertTrue(lines.contains("  the verdict waits for DATA (spf.dkim_rescue):"), all);
        assertTrue(lines.contains("    no such signature: " + reply + " (to the final dot)"), all);
        assertTrue(lines.contains("data (a message without an aligned DKIM signature): " + reply), all);
        assertEquals(1, code, all); // refused, unless an aligned signature rescues it
    }
}
