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
 * EHLO offers ENHANCEDSTATUSCODES, so every reply after the greeting carries one (RFC 2034 3):
 * the verbs outside the mail transaction too (RSET, NOOP, QUIT, VRFY, EXPN, HELP, AUTH, STARTTLS).
 * RSET and QUIT in the middle of a transaction still abandon it downstream.
 */
class EnhancedStatusCodesDialogTest {

    private static GatewayUnderTest gw;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayUnderTest.with(Zones.standard()).start();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void ehloOffersEnhancedStatusCodesAndTheVerbsAroundTheTransactionAnswerWithThem() throws Exception {
        try (SmtpClient c = gw.connect()) {
            c.script(EHLO + """
                    C: NOOP
                    S: 250 2.0.0 Ok
                    C: RSET
                    S: 250 2.0.0 Ok
                    C: VRFY bob@ours.test
                    S: 252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery
                    C: VRFY nobody-at-all@ours.test
                    S: 252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery
                    C: VRFY
                    S: 501 5.5.4 Syntax: VRFY <address>
                    C: EXPN staff
                    S: 502 5.5.1 EXPN not available
                    C: HELP
                    S: 214 2.0.0 See RFC 5321; commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY
                    C: HELP MAIL
                    S: 214 2.0.0 See RFC 5321; commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY
                    C: AUTH PLAIN AGJvYgBzZWNyZXQ=
                    S: 502 5.5.1 AUTH not offered
                    C: STARTTLS
                    S: 454 4.7.0 TLS not available
                    C: QUIT
                    S: 221 2.0.0 Bye
                    """);
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void afterTheRefusalsTheConnectionStillCarriesATransaction() throws Exception {
        int before = gw.internal.deliveries().size();
        try (SmtpClient c = gw.connect()) {
            c.script(HELO + """
                    C: AUTH LOGIN
                    S: 502 5.5.1 AUTH not offered
                    C: STARTTLS
                    S: 454 4.7.0 TLS not available
                    C: EXPN staff
                    S: 502 5.5.1 EXPN not available
                    """ + MAIL_FROM_ALICE + RCPT_TO_BOB + DATA);
            c.sendMessage("Subject: x\r\n\r\ny\r\n");
            c.expectLine("250 2.0.0 Ok: queued as Q...");
            c.script(QUIT);
        }
        assertEquals(before + 1, gw.internal.deliveries().size());
    }

    @Test
    void rsetMidTransactionDeliversNothingAndTheNextTransactionOnTheConnectionIsDelivered() throws Exception {
        int before = gw.internal.deliveries().size();
        int seen = gw.internal.recipientsSeen().size();
        try (SmtpClient c = gw.connect()) {
            c.script(HELO + MAIL_FROM_ALICE + """
                    C: RCPT TO:<carol@ours.test>
                    S: 250 Ok
                    C: RSET
                    S: 250 2.0.0 Ok
                    C: DATA
                    S: 503 5.5.1 Need MAIL before DATA
                    """ + MAIL_FROM_ALICE + RCPT_TO_BOB + DATA);
            c.sendMessage("Subject: after rset\r\n\r\ny\r\n");
            c.expectLine("250 2.0.0 Ok: queued as Q...");
            c.script(QUIT);
        }
        // the downstream saw carol (its transaction was open), yet only bob's message arrived
        assertEquals(List.of("carol@ours.test", "bob@ours.test"),
                gw.internal.recipientsSeen().subList(seen, seen + 2));
        assertEquals(before + 1, gw.internal.deliveries().size());
        assertEquals(List.of("bob@ours.test"), gw.internal.deliveries().get(before).recipients());
    }

    @Test
    void quitMidTransactionClosesTheConnectionAndDeliversNothing() throws Exception {
        int before = gw.internal.deliveries().size();
        try (SmtpClient c = gw.connect()) {
            c.script(HELO + MAIL_FROM_ALICE + RCPT_TO_BOB + """
                    C: QUIT
                    S: 221 2.0.0 Bye
                    """);
            assertTrue(c.closedByServer());
        }
        assertEquals(before, gw.internal.deliveries().size());
    }

    /** The relay pool has 4 connections: 8 abandoned transactions would exhaust it if any were kept. */
    @Test
    void transactionsEndedByRsetOrQuitGiveTheirDownstreamConnectionBack() throws Exception {
        int before = gw.internal.deliveries().size();
        for (int i = 0; i < 4; i++) {
            try (SmtpClient c = gw.connect()) {
                c.script(HELO + MAIL_FROM_ALICE + RCPT_TO_BOB + """
                        C: RSET
                        S: 250 2.0.0 Ok
                        """);
            }
            try (SmtpClient c = gw.connect()) {
                c.script(HELO + MAIL_FROM_ALICE + RCPT_TO_BOB + """
                        C: QUIT
                        S: 221 2.0.0 Bye
                        """);
            }
        }
        assertEquals(before, gw.internal.deliveries().size(), "none of those delivered anything");
        SmtpClient[] held = new SmtpClient[4];
        try {
            for (int i = 0; i < 4; i++) {
                held[i] = gw.connect();
                held[i].script(HELO + MAIL_FROM_ALICE + """
                        C: RCPT TO:<bob@ours.test>
                        S: 250 Ok
                        C: RSET
                        S: 250 2.0.0 Ok
                        """);
            }
            // four connections, each after an RSET, and four new transactions at once: all get the pool
            for (SmtpClient c : held) {
                c.script(MAIL_FROM_ALICE + RCPT_TO_BOB + DATA);
            }
            for (SmtpClient c : held) {
                c.sendMessage("Subject: x\r\n\r\ny\r\n");
                c.expectLine("250 2.0.0 Ok: queued as Q...");
            }
        } finally {
            for (SmtpClient c : held) {
                if (c != null) {
                    c.close();
                }
            }
        }
        assertEquals(before + 4, gw.internal.deliveries().size());
    }

    @Test
    void startTlsAnswersWithEnhancedStatusCodesWhenOfferedAndWhenAlreadyActive(@TempDir Path dir) throws Exception {
        Path[] pem = ListenerDialogTest.selfSignedPem(dir);
        try (TestDnsServer dns = TestDnsServer.start(Zones.standard());
                InternalMailServer internal = new InternalMailServer()) {
            GatewayConfig config = GatewayUnderTest.withStartTls(pem, internal, dns, 50, dir.resolve("log"));
            try (Gateway gateway = Gateway.start(config);
                    SmtpClient c = SmtpClient.connect(gateway.smtpAddresses().get(0))) {
                c.script(GREETING + """
                        C: HELO mail.sender.test
                        S: 250 mx.gateway.test
                        C: HELP
                        S: 214 2.0.0 See RFC 5321; commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY STARTTLS
                        C: STARTTLS now
                        S: 501 5.5.4 STARTTLS takes no parameters
                        C: STARTTLS
                        S: 220 2.0.0 Ready to start TLS
                        """);
                c.startTls(ListenerDialogTest.trusting(pem[0]));
                c.script("""
                        C: STARTTLS
                        S: 503 5.5.1 TLS already active
                        C: HELO mail.sender.test
                        S: 250 mx.gateway.test
                        """ + MAIL_FROM_ALICE + RCPT_TO_BOB + DATA);
                c.sendMessage("Subject: x\r\n\r\ny\r\n");
                c.expectLine("250 2.0.0 Ok: queued as Q...");
            }
            assertEquals(1, internal.deliveries().size());
        }
    }
}
