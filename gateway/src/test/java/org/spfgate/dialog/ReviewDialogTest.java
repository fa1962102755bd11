package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spfgate.dialog.Dialogs.DATA;
import static org.spfgate.dialog.Dialogs.EHLO;
import static org.spfgate.dialog.Dialogs.GREETING;
import static org.spfgate.dialog.Dialogs.HELO;
import static org.spfgate.dialog.Dialogs.MAIL_FROM_ALICE;
import static org.spfgate.dialog.Dialogs.QUIT;
import static org.spfgate.dialog.Dialogs.RCPT_TO_BOB;
import static org.spfgate.dialog.Dialogs.READY_FOR_MESSAGE;
import static org.spfgate.dialog.Dialogs.ehlo;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.config.GatewayConfig;
import org.spfgate.Gateway;
import org.spfgate.testdns.TestDnsServer;

/**
 * Findings of the review of the message path (listener, session, policy, headers, relay), each a
 * dialog against the real gateway: the ones that were bugs, and the transaction-boundary cases
 * (second MAIL, EHLO and STARTTLS mid-transaction, every way a transaction can fail) that must
 * leave nothing delivered twice and no downstream connection behind.
 */
class ReviewDialogTest {

    private static GatewayUnderTest gw;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayUnderTest.with(Zones.standard()).clientTimeouts("1s", "1s").start();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    /** U+017F LONG S upper-cases to "S" in Java: "abuſe" must not borrow the exemption of abuse. */
    @Test
    void aRecipientThatOnlyUnicodeCaseFoldingMakesExemptIsRefusedForSpf() throws Exception {
        int seen = gw.internal.recipientsSeen().size();
        try (SmtpClient c = gw.connect()) {
            c.script(EHLO + """
                    C: MAIL FROM:<mallory@forged.test> SMTPUTF8
                    S: 250 2.1.0 Sender OK
                    C: RCPT TO:<abu\u017Fe@ours.test>
                    S: 550 5.7.23 forged.test never sends mail from 127.0.0.1
                    C: RCPT TO:<ABUSE@ours.test>
                    S: 250 Ok
                    """ + QUIT);
        }
        assertEquals(List.of("ABUSE@ours.test"), gw.internal.recipientsSeen().subList(seen, seen + 1));
    }

    @Test
    void aSecondMailIsRefusedAndEhloMidTransactionAbandonsItSoOnlyTheNextTransactionIsDelivered() throws Exception {
        int before = gw.internal.deliveries().size();
        try (SmtpClient c = gw.connect()) {
            c.script(EHLO + MAIL_FROM_ALICE + RCPT_TO_BOB + """
                    C: MAIL FROM:<alice@sender.test>
                    S: 503 5.5.1 Sender already specified
                    """ + ehlo("mail.sender.test", 1_000_000) + """
                    C: DATA
                    S: 503 5.5.1 Need MAIL before DATA
                    C: RCPT TO:<bob@ours.test>
                    S: 503 5.5.1 Need MAIL before RCPT
                    """ + MAIL_FROM_ALICE + """
                    C: RCPT TO:<carol@ours.test>
                    S: 250 Ok
                    """ + DATA);
            c.sendMessage("Subject: x\r\n\r\ny\r\n");
            c.expectLine("250 2.0.0 Ok: queued as Q...");
        }
        List<InternalMailServer.Delivery> d = gw.internal.deliveries();
        assertEquals(before + 1, d.size());
        assertEquals(List.of("carol@ours.test"), d.get(d.size() - 1).recipients());
    }

    /**
     * A transaction holds one of the relay's few downstream connections: a client that keeps one
     * open by repeating a refused MAIL or DATA (each resetting the command time-out) is cut like a
     * NOOP loop, and its downstream transaction aborted.
     */
    @Test
    void aClientLoopingOnRefusedMailOrDataInsideATransactionIsDisconnectedAfterAHundred() throws Exception {
        List<String> loops = List.of("MAIL FROM:<alice@sender.test>\nS: 503 5.5.1 Sender already specified",
                "DATA\nS: 554 5.5.1 No valid recipients");
        for (int n = 0; n < loops.size(); n++) {
            String command = loops.get(n).substring(0, loops.get(n).indexOf('\n'));
            String refused = "unknown-loop" + n + "@ours.test";
            int seen = gw.internal.recipientsSeen().size();
            try (SmtpClient c = gw.connect()) {
                c.script(HELO + MAIL_FROM_ALICE + """
                        C: RCPT TO:<%s>
                        S: 550 5.1.1 <%s>: Recipient address rejected: User unknown
                        """.formatted(refused, refused));
                // HELO and the MAIL that opened the transaction count too: 98 more make 100
                for (int i = 1; i <= 98; i++) {
                    c.script("C: " + loops.get(n));
                }
                c.script("C: " + command + "\nS: 421 4.7.0 too many commands without mail, closing");
                assertTrue(c.closedByServer());
            }
            assertEquals(seen + 1, gw.internal.recipientsSeen().size());
            gw.awaitLogLine(l -> l.contains(refused) && l.contains("status=rejected"));
        }
    }

    /** Deferred recipients (here 452 beyond max_recipients) are bounded too, as Postfix's overshoot limit. */
    @Test
    void aClientLoopingOnDeferredRecipientsIsDisconnectedAfterAThousand() throws Exception {
        try (SmtpClient c = gw.connect()) {
            c.script(HELO + MAIL_FROM_ALICE + RCPT_TO_BOB);
            StringBuilder pipelined = new StringBuilder();
            for (int i = 1; i <= 9 + 1000 + 1; i++) {
                pipelined.append("RCPT TO:<bob@ours.test>\r\n");
            }
            c.sendRaw(pipelined.toString());
            for (int i = 2; i <= 10; i++) {
                c.expectLine("250 Ok");
            }
            for (int i = 1; i <= 1000; i++) {
                c.expectLine("452 4.5.3 Too many recipients");
            }
            c.expectLine("421 4.7.0 too many errors, closing");
            assertTrue(c.closedByServer());
        }
    }

    /** Three times more failed transactions than the relay has connections (4), then four at once. */
    @Test
    void everyWayATransactionCanEndGivesItsDownstreamConnectionBack() throws Exception {
        int before = gw.internal.deliveries().size();
        for (int i = 0; i < 2; i++) {
            // MAIL then drop
            try (SmtpClient c = gw.connect()) {
                c.script(HELO + MAIL_FROM_ALICE + RCPT_TO_BOB);
            }
            // MAIL then idle until the command timeout
            try (SmtpClient c = gw.connect()) {
                c.script(HELO + MAIL_FROM_ALICE);
                c.expectLine("421 Timeout waiting for data from client.");
            }
            // mid-DATA drop
            try (SmtpClient c = gw.connect()) {
                c.script(READY_FOR_MESSAGE);
                c.sendRaw("Subject: x\r\n\r\npartial");
            }
            // too large
            try (SmtpClient c = gw.connect()) {
                c.script(READY_FOR_MESSAGE);
                c.sendRaw("Subject: big\r\n\r\n" + "x".repeat(1_100_000) + "\r\n.\r\n");
                c.expectLine("552 5.3.4 Message size exceeds fixed limit of 1000000 bytes");
                c.script(MAIL_FROM_ALICE + "C: RSET\nS: 250 2.0.0 Ok\n" + QUIT);
            }
            // all refused
            try (SmtpClient c = gw.connect()) {
                c.script(HELO + MAIL_FROM_ALICE + """
                        C: RCPT TO:<unknown1@ours.test>
                        S: 550 5.1.1 <unknown1@ours.test>: Recipient address rejected: User unknown
                        C: DATA
                        S: 554 5.5.1 No valid recipients
                        """ + QUIT);
            }
            // timeout mid data
            try (SmtpClient c = gw.connect()) {
                c.script(READY_FOR_MESSAGE);
                c.sendRaw("Subject: x\r\n\r\npartial");
                c.expectLine("421 4.4.2 Timeout waiting for data, closing connection");
            }
        }
        assertEquals(before, gw.internal.deliveries().size(), "none of those delivered anything");
        // four at once still work (connections: 4)
        SmtpClient[] cs = new SmtpClient[4];
        for (int i = 0; i < 4; i++) {
            cs[i] = gw.connect();
            cs[i].script(HELO + MAIL_FROM_ALICE + RCPT_TO_BOB);
        }
        for (SmtpClient c : cs) {
            c.script(DATA);
            c.sendMessage("Subject: x\r\n\r\ny\r\n");
            c.expectLine("250 2.0.0 Ok: queued as Q...");
            c.close();
        }
        assertEquals(before + 4, gw.internal.deliveries().size());
    }

    @Test
    void startTlsMidTransactionAbandonsItAndOnlyTheNextTransactionIsDelivered(@TempDir Path dir) throws Exception {
        Path[] pem = ListenerDialogTest.selfSignedPem(dir);
        try (TestDnsServer dns = TestDnsServer.start(Zones.standard());
                InternalMailServer internal = new InternalMailServer()) {
            GatewayConfig config = GatewayUnderTest.withStartTls(pem, internal, dns, 1, dir.resolve("log"));
            try (Gateway gateway = Gateway.start(config);
                    SmtpClient c = SmtpClient.connect(gateway.smtpAddresses().get(0))) {
                c.script(GREETING + """
                        C: HELO mail.sender.test
                        S: 250 mx.gateway.test
                        """ + MAIL_FROM_ALICE + RCPT_TO_BOB + """
                        C: STARTTLS
                        S: 220 2.0.0 Ready to start TLS
                        """);
                c.startTls(ListenerDialogTest.trusting(pem[0]));
                c.script("""
                        C: HELO mail.sender.test
                        S: 250 mx.gateway.test
                        C: DATA
                        S: 503 5.5.1 Need MAIL before DATA
                        """ + MAIL_FROM_ALICE + """
                        C: RCPT TO:<carol@ours.test>
                        S: 250 Ok
                        """ + DATA);
                c.sendMessage("Subject: x\r\n\r\ny\r\n");
                c.expectLine("250 2.0.0 Ok: queued as Q...");
            }
            assertEquals(1, internal.deliveries().size());
            assertEquals(List.of("carol@ours.test"), internal.deliveries().get(0).recipients());
        }
    }
}
