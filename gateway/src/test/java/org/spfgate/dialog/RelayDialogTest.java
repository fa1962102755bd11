package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spfgate.dialog.Dialogs.DATA;
import static org.spfgate.dialog.Dialogs.EHLO;
import static org.spfgate.dialog.Dialogs.HELO;
import static org.spfgate.dialog.Dialogs.MAIL_FROM_ALICE;
import static org.spfgate.dialog.Dialogs.QUIT;
import static org.spfgate.dialog.Dialogs.RCPT_TO_BOB;
import static org.spfgate.dialog.Dialogs.READY_FOR_MESSAGE;

import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The open-relay guard and the synchronous relay, seen from the client (docs/contract.md §3): only our
 * domains, every reply of the internal server passed on, no 250 before its 250, nothing partial
 * delivered.
 */
class RelayDialogTest {

    private static GatewayUnderTest gw;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayUnderTest.with(Zones.standard()).start();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    /** HELO and a passing sender, under the name dialog tests on other branches use. */
    static final String HELLO = HELO + MAIL_FROM_ALICE;

    static final String MESSAGE = "Subject: relay test\r\n\r\nbody line\r\n";

    @ParameterizedTest(name = "RCPT TO:<{0}> is refused: {1}")
    @CsvSource(delimiter = '|', value = {
        "user%other.test@ours.test | 554 5.7.1 relaying denied: % and ! are not accepted in addresses",
        "other.test!user@ours.test | 554 5.7.1 relaying denied: % and ! are not accepted in addresses",
        "@ours.test:user@other.test | 554 5.7.1 relaying denied: source routes are not accepted",
        "'\"user@other.test\"@ours.test' | 554 5.7.1 relaying denied: quoted local part containing @, % or !",
        "user@other.test@ours.test | 554 5.7.1 relaying denied: more than one @ in address",
        "user@ours.test. | 554 5.7.1 relaying denied: trailing dot in domain",
        "user@OURS.TEST. | 554 5.7.1 relaying denied: trailing dot in domain",
        "user@other.test | 554 5.7.1 relaying denied",
        "user@ours.test.other.test | 554 5.7.1 relaying denied",
        "user@sub.ours.test | 554 5.7.1 relaying denied",
        "user@[127.0.0.1] | 554 5.7.1 relaying denied",
    })
    void relayTricksAreRefusedAndNeverForwarded(String address, String reply) throws Exception {
        int before = gw.internal.deliveries().size();
        int seenBefore = gw.internal.recipientsSeen().size();
        try (SmtpClient c = gw.connect()) {
            c.script(HELO + MAIL_FROM_ALICE + """
                    C: RCPT TO:<%s>
                    S: %s
                    C: DATA
                    S: 554 5.5.1 No valid recipients
                    """.formatted(address, reply) + QUIT);
        }
        assertEquals(before, gw.internal.deliveries().size());
        assertEquals(seenBefore, gw.internal.recipientsSeen().size(), "a refused recipient never reaches the internal server");
    }

    @Test
    void ourDomainInAnyCaseIsAcceptedAndForwardedExactlyAsWritten() throws Exception {
        int before = gw.internal.deliveries().size();
        try (SmtpClient c = gw.connect()) {
            c.script(HELO + MAIL_FROM_ALICE + """
                    C: RCPT TO:<Bob.Smith@OURS.Test>
                    S: 250 Ok
                    C: RCPT TO:<"john doe"@ours.test>
                    S: 250 Ok
                    """ + DATA);
            c.sendMessage(MESSAGE);
            c.expectLine("250 2.0.0 Ok: queued as Q...");
        }
        assertEquals(List.of("Bob.Smith@OURS.Test", "\"john doe\"@ours.test"),
                gw.internal.deliveries().get(before).recipients());
    }

    @Test
    void internationalisedAddressesNeedSmtputf8AndThenReachTheInternalServerAsWritten() throws Exception {
        int before = gw.internal.deliveries().size();
        try (SmtpClient c = gw.connect()) {
            c.script(EHLO + """
                    C: MAIL FROM:<ålice@sender.test>
                    S: 553 5.6.7 Non-ASCII address needs SMTPUTF8
                    C: MAIL FROM:<ålice@sender.test> SMTPUTF8
                    S: 250 2.1.0 Sender OK
                    C: RCPT TO:<δοκιμή@ours.test>
                    S: 250 Ok
                    """ + DATA);
            c.sendMessage(MESSAGE);
            c.expectLine("250 2.0.0 Ok: queued as Q...");
        }
        InternalMailServer.Delivery d = gw.internal.deliveries().get(before);
        assertEquals("ålice@sender.test", d.sender());
        assertEquals(List.of("δοκιμή@ours.test"), d.recipients());
    }

    @Test
    void internalServerRefusingOneOfTwoRecipientsRefusesThatOneAndDeliversToTheOtherOnce() throws Exception {
        int before = gw.internal.deliveries().size();
        try (SmtpClient c = gw.connect()) {
            c.script(HELO + MAIL_FROM_ALICE + """
                    C: RCPT TO:<unknown.user@ours.test>
                    S: 550 5.1.1 <unknown.user@ours.test>: Recipient address rejected: User unknown
                    """ + RCPT_TO_BOB + DATA);
            c.sendMessage(MESSAGE);
            c.script("""
                    S: 250 2.0.0 Ok: queued as Q...
                    """ + QUIT);
        }
        List<InternalMailServer.Delivery> deliveries = gw.internal.deliveries();
        assertEquals(before + 1, deliveries.size());
        assertEquals(List.of("bob@ours.test"), deliveries.get(before).recipients());
    }

    @Test
    void internalServerRefusingTheMessageAfterDataGivesTheClientTheSameReplyAndDeliversNothing() throws Exception {
        int before = gw.internal.deliveries().size();
        gw.internal.afterData = InternalMailServer.AfterData.REJECT;
        try (SmtpClient c = gw.connect()) {
            c.script(READY_FOR_MESSAGE);
            c.sendMessage(MESSAGE);
            c.script("""
                    S: 554 5.7.1 Message content rejected by internal policy
                    """ + MAIL_FROM_ALICE + QUIT);
        } finally {
            gw.internal.afterData = InternalMailServer.AfterData.ACCEPT;
        }
        assertEquals(before, gw.internal.deliveries().size());
        gw.awaitLogLine(l -> l.contains("status=rejected") && l.contains("554 5.7.1 Message content"));
    }

    @Test
    void clientDroppingMidDataDeliversNothing() throws Exception {
        int before = gw.internal.deliveries().size();
        try (SmtpClient c = gw.connect()) {
            c.script(HELO + MAIL_FROM_ALICE + """
                    C: RCPT TO:<cut.short@ours.test>
                    S: 250 Ok
                    """ + DATA);
            c.sendRaw("Subject: cut short\r\n\r\nfirst half of the body\r\n");
        } // closed without the final dot
        // its decision-log line says the gateway is done with the transaction: nothing can follow
        gw.awaitLogLine(l -> l.contains("to=<cut.short@ours.test>") && l.contains("status=aborted"));
        assertEquals(before, gw.internal.deliveries().size());
        // and the gateway still serves the next client
        try (SmtpClient c = gw.connect()) {
            c.script(HELO + MAIL_FROM_ALICE + RCPT_TO_BOB);
        }
    }

    @Test
    void noDataWithoutRecipientAndNoRecipientWithoutSender() throws Exception {
        try (SmtpClient c = gw.connect()) {
            c.script(HELO + """
                    C: RCPT TO:<bob@ours.test>
                    S: 503 5.5.1 Need MAIL before RCPT
                    C: DATA
                    S: 503 5.5.1 Need MAIL before DATA
                    C: MAIL FROM:<alice@sender.test>
                    S: 250 2.1.0 Sender OK
                    C: MAIL FROM:<alice@sender.test>
                    S: 503 5.5.1 Sender already specified
                    C: DATA
                    S: 554 5.5.1 No valid recipients
                    """);
        }
    }

    @Test
    void unreachableInternalServerGives451AtMail() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (GatewayUnderTest down = GatewayUnderTest.with(Zones.standard()).relayTo(closedPort).start();
                SmtpClient c = down.connect()) {
            c.script(HELO + """
                    C: MAIL FROM:<alice@sender.test>
                    S: 451 4.4.1 internal server unreachable, try again later
                    """ + QUIT);
            assertTrue(down.gateway.metrics().scrape().contains("spfgate_relay_failures_total{reason=\"unreachable\"} 1.0"));
        }
    }

    @Test
    void internalServerHangingAfterTheFinalDotGives451AfterTheTimeout() throws Exception {
        try (GatewayUnderTest slow = GatewayUnderTest.with(Zones.standard()).relayDataTimeout("1s").start()) {
            slow.internal.afterData = InternalMailServer.AfterData.HANG;
            try (SmtpClient c = slow.connect()) {
                c.script(READY_FOR_MESSAGE);
                c.sendMessage(MESSAGE);
                c.expectLine("451 4.4.1 internal server did not answer in time, try again later");
            }
            assertEquals(0, slow.internal.deliveries().size());
            assertTrue(slow.gateway.metrics().scrape().contains("spfgate_relay_failures_total{reason=\"timeout\"} 1.0"));
        }
    }

    @Test
    void silentInternalServerGives451AtMail() throws Exception {
        // accepts TCP connections and never says a word
        try (ServerSocket mute = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket s = mute.accept();
                        s.getInputStream();
                    }
                } catch (Exception closed) {
                    // test over
                }
            });
            try (GatewayUnderTest down = GatewayUnderTest.with(Zones.standard()).relayTo(mute.getLocalPort()).start();
                    SmtpClient c = down.connect()) {
                c.script(HELO + """
                        C: MAIL FROM:<alice@sender.test>
                        S: 451 4.4.1 ...
                        """);
            }
            acceptor.interrupt();
        }
    }
}
