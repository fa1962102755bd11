package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spfgate.dialog.Dialogs.DATA;
import static org.spfgate.dialog.Dialogs.EHLO;
import static org.spfgate.dialog.Dialogs.GREETING;
import static org.spfgate.dialog.Dialogs.MAIL_FROM_ALICE;
import static org.spfgate.dialog.Dialogs.QUIT;
import static org.spfgate.dialog.Dialogs.RCPT_TO_BOB;
import static org.spfgate.dialog.Dialogs.ehlo;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SMTP dialogs against the real listener, SPF evaluated against the test DNS server, mail
 * relayed to a real internal server (docs/contract.md §3 and §5).
 */
class SpfDialogTest {

    private static GatewayUnderTest gw;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayUnderTest.with(Zones.standard()).start();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    /** A sender whose domain's SPF fails 127.0.0.1 with an explanation of its own (exp=). */
    private static final String MAIL_FROM_MALLORY = """
            C: MAIL FROM:<mallory@forged.test>
            S: 250 2.1.0 Sender OK
            """;

    private static final String MESSAGE = "Subject: hello\r\nFrom: <alice@sender.test>\r\n\r\nHi Bob.\r\n";

    private int delivered() {
        return gw.internal.deliveries().size();
    }

    /** EHLO, MAIL FROM the sender, RCPT TO bob, the message and the internal server's 250: what it received. */
    private InternalMailServer.Delivery deliveredFrom(String sender) throws Exception {
        int before = delivered();
        try (SmtpClient c = gw.connect()) {
            c.script(EHLO + """
                    C: MAIL FROM:<%s>
                    S: 250 2.1.0 Sender OK
                    """.formatted(sender) + RCPT_TO_BOB + DATA);
            c.sendMessage(MESSAGE);
            c.script("""
                    S: 250 2.0.0 Ok: queued as Q...
                    """ + QUIT);
        }
        assertEquals(before + 1, delivered());
        return gw.internal.deliveries().get(before);
    }

    @Test
    void passIsDeliveredWithTheThreeHeadersInSpecOrder() throws Exception {
        InternalMailServer.Delivery d = deliveredFrom("alice@sender.test");
        assertEquals("alice@sender.test", d.sender());
        assertEquals(List.of("bob@ours.test"), d.recipients());
        String text = d.text();
        assertTrue(text.startsWith("Authentication-Results: mx.gateway.test;"), text);
        int ar = text.indexOf("Authentication-Results:");
        int rspf = text.indexOf("\r\nReceived-SPF: pass ");
        int received = text.indexOf("\r\nReceived: from mail.sender.test ");
        assertTrue(ar < rspf && rspf < received, text);
        assertTrue(text.contains("spf=pass"), text);
        assertTrue(text.contains("smtp.mailfrom=alice@sender.test"), text);
        assertTrue(text.contains("identity=mailfrom"), text);
        assertTrue(text.contains("client-ip=127.0.0.1"), text);
        assertTrue(text.endsWith("\r\n" + MESSAGE), text);
        // docs/contract.md §7: one line with client, HELO, envelope, SPF and mechanism, outcome, reply,
        // the internal server's queue id and the time taken
        String line = gw.awaitLogLine(l -> l.contains("from=<alice@sender.test>") && l.contains("status=relayed"));
        String queueId = line.replaceAll(".* downstream_id=(Q\\d+) .*", "$1");
        for (String part : List.of(" client=unknown[127.0.0.1] ", " helo=mail.sender.test ", " to=<bob@ours.test> ",
                " spf=pass ", " mechanism=\"ip4:127.0.0.1\" ", " helo_spf=pass ",
                " reply=\"250 2.0.0 Ok: queued as " + queueId + "\" ", " downstream_id=" + queueId + " ")) {
            assertTrue(line.contains(part), part + " missing in: " + line);
        }
        assertTrue(line.matches(".* size=\\d+ delay=\\d+\\.\\d{3}s$"), line);
    }

    @Test
    void failIsRefusedAtRcptWithTheDomainsExplanation() throws Exception {
        int before = delivered();
        int seenBefore = gw.internal.recipientsSeen().size();
        try (SmtpClient c = gw.connect()) {
            c.script(EHLO + MAIL_FROM_MALLORY + """
                    C: RCPT TO:<bob@ours.test>
                    S: 550 5.7.23 forged.test never sends mail from 127.0.0.1
                    C: DATA
                    S: 554 5.5.1 No valid recipients
                    """ + QUIT);
        }
        assertEquals(before, delivered());
        assertEquals(seenBefore, gw.internal.recipientsSeen().size(),
                "an SPF-refused recipient is never sent to the internal server");
    }

    @Test
    void failWithoutExplanationGetsADefaultTextNamingDomainAndIp() throws Exception {
        try (SmtpClient c = gw.connect()) {
            c.script(EHLO + """
                    C: MAIL FROM:<someone@plainfail.test>
                    S: 250 2.1.0 Sender OK
                    C: RCPT TO:<bob@ours.test>
                    S: 550 5.7.23 ...
                    """);
        }
        String line = gw.awaitLogLine(l -> l.contains("from=<someone@plainfail.test>"));
        assertTrue(line.contains("spf=fail") && line.contains("mechanism=\"-all\"") && line.contains("status=rejected")
                && line.contains("reason=spf_fail") && line.contains("reply=\"550 5.7.23 "), line);
    }

    @Test
    void failToPostmasterIsDeliveredBecausePostmasterIsExempt() throws Exception {
        int before = delivered();
        try (SmtpClient c = gw.connect()) {
            c.script(EHLO + MAIL_FROM_MALLORY + """
                    C: RCPT TO:<bob@ours.test>
                    S: 550 5.7.23 forged.test never sends mail from 127.0.0.1
                    C: RCPT TO:<postmaster@ours.test>
                    S: 250 Ok
                    """ + DATA);
            c.sendMessage(MESSAGE);
            c.expectLine("250 2.0.0 Ok: queued as Q...");
        }
        assertEquals(before + 1, delivered());
        InternalMailServer.Delivery d = gw.internal.deliveries().get(before);
        assertEquals(List.of("postmaster@ours.test"), d.recipients());
        assertTrue(d.text().contains("Received-SPF: fail "), d.text());
    }

    @Test
    void theBarePostmasterOfRfc5321IsReachableEvenForAFailingSender() throws Exception {
        int before = delivered();
        try (SmtpClient c = gw.connect()) {
            c.script(EHLO + MAIL_FROM_MALLORY + """
                    C: RCPT TO:<Postmaster>
                    S: 250 Ok
                    """ + DATA);
            c.sendMessage(MESSAGE);
            c.expectLine("250 2.0.0 Ok: queued as Q...");
        }
        assertEquals(List.of("Postmaster"), gw.internal.deliveries().get(before).recipients());
    }

    @Test
    void softfailIsDeliveredByDefaultWithASoftfailHeader() throws Exception {
        String text = deliveredFrom("carol@soft.test").text();
        assertTrue(text.contains("Received-SPF: softfail "), text);
        assertTrue(text.contains("spf=softfail"), text);
    }

    @Test
    void dnsTimeOutDefersWith451AndTemperror() throws Exception {
        int before = delivered();
        try (SmtpClient c = gw.connect()) {
            c.script(EHLO + """
                    C: MAIL FROM:<dave@slow.test>
                    S: 250 2.1.0 Sender OK
                    C: RCPT TO:<bob@ours.test>
                    S: 451 4.4.3 ...
                    """);
        }
        assertEquals(before, delivered());
    }

    @Test
    void permerrorIsDeliveredByDefault() throws Exception {
        assertTrue(deliveredFrom("erin@broken.test").text().contains("Received-SPF: permerror "));
    }

    @Test
    void heloFailIsRefusedWithCheckHeloEvenWhenMailFromPasses() throws Exception {
        int before = delivered();
        try (SmtpClient c = gw.connect()) {
            c.script(GREETING + """
                    C: HELO badhelo.test
                    S: 250 mx.gateway.test
                    """ + MAIL_FROM_ALICE + """
                    C: RCPT TO:<bob@ours.test>
                    S: 550 5.7.23 ...
                    """);
        }
        assertEquals(before, delivered());
    }

    @Test
    void nullSenderIsJudgedOnTheHeloIdentity() throws Exception {
        int before = delivered();
        try (SmtpClient c = gw.connect()) {
            c.script(GREETING + ehlo("badhelo.test", 1_000_000) + """
                    C: MAIL FROM:<>
                    S: 250 2.1.0 Sender OK
                    C: RCPT TO:<bob@ours.test>
                    S: 550 5.7.23 ...
                    C: RSET
                    S: 250 2.0.0 Ok
                    """ + ehlo("mail.sender.test", 1_000_000) + """
                    C: MAIL FROM:<>
                    S: 250 2.1.0 Sender OK
                    """ + RCPT_TO_BOB);
        }
        assertEquals(before, delivered());
    }
}
