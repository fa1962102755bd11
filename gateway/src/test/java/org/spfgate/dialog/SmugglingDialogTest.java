package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spfgate.dialog.Dialogs.DATA;
import static org.spfgate.dialog.Dialogs.GREETING;
import static org.spfgate.dialog.Dialogs.HELO;
import static org.spfgate.dialog.Dialogs.MAIL_FROM_ALICE;
import static org.spfgate.dialog.Dialogs.QUIT;
import static org.spfgate.dialog.Dialogs.RCPT_TO_BOB;
import static org.spfgate.dialog.Dialogs.READY_FOR_MESSAGE;
import static org.spfgate.dialog.Dialogs.ehlo;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SMTP smuggling, oversized messages and hostile input: whatever bytes the client sends, the
 * internal server sees exactly the messages the client's {@code <CRLF>.<CRLF>} delimited, and
 * nothing of a message is ever read as a command.
 */
class SmugglingDialogTest {

    private static GatewayUnderTest gw;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayUnderTest.with(Zones.standard()).maxMessageSize(2000).maxRecipients(3).start();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    /** A smuggled second transaction after a fake end of data. */
    private static final String SMUGGLED = "MAIL FROM:<ceo@sender.test>\r\nRCPT TO:<victim@ours.test>\r\nDATA\r\n"
            + "Subject: smuggled\r\n\r\nwire the money\r\n.\r\n";

    private void assertOneMessageOnly(String fakeEnd) throws Exception {
        int before = gw.internal.deliveries().size();
        try (SmtpClient c = gw.connect()) {
            c.script(READY_FOR_MESSAGE);
            c.sendRaw("Subject: innocent\r\n\r\nhello" + fakeEnd + SMUGGLED);
            c.expectLine("250 2.0.0 Ok: queued as Q...");
            c.script(QUIT);
        }
        List<InternalMailServer.Delivery> deliveries = gw.internal.deliveries();
        assertEquals(before + 1, deliveries.size(), "the internal server must see exactly one message");
        InternalMailServer.Delivery d = deliveries.get(before);
        assertEquals(List.of("bob@ours.test"), d.recipients());
        // the smuggled text is inside the one message, as (normalised) content
        assertTrue(d.text().contains("MAIL FROM:<ceo@sender.test>"), d.text());
        assertTrue(d.text().contains("wire the money"), d.text());
    }

    @Test
    void lfDotCrlfDoesNotEndTheMessage() throws Exception {
        assertOneMessageOnly("\n.\r\n");
    }

    @Test
    void crDotCrlfDoesNotEndTheMessage() throws Exception {
        assertOneMessageOnly("\r.\r\n");
    }

    @Test
    void lfDotLfDoesNotEndTheMessage() throws Exception {
        assertOneMessageOnly("\n.\n");
    }

    @Test
    void pipelinedCommandsAfterALargeMessageAreAnsweredInOrder() throws Exception {
        int before = gw.internal.deliveries().size();
        String body = ("z".repeat(70) + "\r\n").repeat(25); // 1800 bytes: several reads, under the limit
        try (SmtpClient c = gw.connect()) {
            c.script(READY_FOR_MESSAGE);
            c.sendRaw("Subject: pipelined\r\n\r\n" + body + ".\r\nMAIL FROM:<alice@sender.test>\r\nRSET\r\nQUIT\r\n");
            c.script("""
                    S: 250 2.0.0 Ok: queued as Q...
                    S: 250 2.1.0 Sender OK
                    S: 250 2.0.0 Ok
                    S: 221 2.0.0 Bye
                    """);
        }
        assertEquals(before + 1, gw.internal.deliveries().size());
        assertTrue(gw.internal.deliveries().get(before).text().endsWith("\r\n\r\n" + body));
    }

    @Test
    void aTerminatorSplitAcrossPacketsIsStillTheEnd() throws Exception {
        int before = gw.internal.deliveries().size();
        try (SmtpClient c = gw.connect()) {
            c.script(READY_FOR_MESSAGE);
            c.sendRaw("Subject: split\r\n\r\nline\r\n.");
            // pacing the input, not waiting for a result: each piece arrives on its own
            Thread.sleep(100);
            c.sendRaw("\r");
            Thread.sleep(100);
            c.sendRaw("\n");
            c.expectLine("250 2.0.0 Ok: queued as Q...");
        }
        assertTrue(gw.internal.deliveries().get(before).text().endsWith("Subject: split\r\n\r\nline\r\n"));
    }

    @Test
    void bareLineEndingsAreNormalisedToCrlfBeforeTheRelay() throws Exception {
        int before = gw.internal.deliveries().size();
        try (SmtpClient c = gw.connect()) {
            c.script(READY_FOR_MESSAGE);
            c.sendRaw("Subject: bare\r\n\r\none\ntwo\rthree\r\n.\r\n");
            c.expectLine("250 2.0.0 Ok: queued as Q...");
        }
        String text = gw.internal.deliveries().get(before).text();
        assertTrue(text.endsWith("\r\none\r\ntwo\r\nthree\r\n"), text);
    }

    @Test
    void bareLineEndingsAreRefusedWith550WhenConfiguredAndTheSessionGoesOn() throws Exception {
        try (GatewayUnderTest strict = GatewayUnderTest.with(Zones.standard()).rejectBareLineEndings().start();
                SmtpClient c = strict.connect()) {
            c.script(READY_FOR_MESSAGE);
            c.sendRaw("Subject: bare\r\n\r\nhello\n.\r\n" + SMUGGLED);
            c.script("""
                    S: 550 5.6.0 Message contains a bare CR or LF
                    """ + MAIL_FROM_ALICE + QUIT);
            assertEquals(0, strict.internal.deliveries().size());
        }
    }

    @Test
    void tooLargeIsRefusedWith552AfterTheWholeMessageAndTheSessionContinuesCleanly() throws Exception {
        int before = gw.internal.deliveries().size();
        try (SmtpClient c = gw.connect()) {
            c.script(READY_FOR_MESSAGE);
            // 3000 bytes of body (limit 2000), with a command line hidden inside the excess
            String big = "Subject: big\r\n\r\n" + ("x".repeat(98) + "\r\n").repeat(20)
                    + "RSET\r\nMAIL FROM:<evil@sender.test>\r\n" + ("y".repeat(98) + "\r\n").repeat(10);
            c.sendMessage(big);
            c.script("""
                    S: 552 5.3.4 Message size exceeds fixed limit of 2000 bytes
                    """ + MAIL_FROM_ALICE + RCPT_TO_BOB + DATA);
            c.sendMessage("Subject: small\r\n\r\nfits\r\n");
            c.script("""
                    S: 250 2.0.0 Ok: queued as Q...
                    """ + QUIT);
        }
        List<InternalMailServer.Delivery> deliveries = gw.internal.deliveries();
        assertEquals(before + 1, deliveries.size());
        assertTrue(deliveries.get(before).text().endsWith("Subject: small\r\n\r\nfits\r\n"));
    }

    @Test
    void declaredSizeOverTheLimitIsRefusedAtMail() throws Exception {
        try (SmtpClient c = gw.connect()) {
            c.script(GREETING + ehlo("mail.sender.test", 2000) + """
                    C: MAIL FROM:<alice@sender.test> SIZE=2001
                    S: 552 5.3.4 Message size exceeds fixed limit of 2000 bytes
                    C: MAIL FROM:<alice@sender.test> SIZE=1999 BODY=8BITMIME
                    S: 250 2.1.0 Sender OK
                    """);
        }
    }

    @Test
    void tooManyRecipientsGets452() throws Exception {
        try (SmtpClient c = gw.connect()) {
            c.script(HELO + MAIL_FROM_ALICE + """
                    C: RCPT TO:<a@ours.test>
                    S: 250 Ok
                    C: RCPT TO:<b@ours.test>
                    S: 250 Ok
                    C: RCPT TO:<c@ours.test>
                    S: 250 Ok
                    C: RCPT TO:<d@ours.test>
                    S: 452 4.5.3 Too many recipients
                    """);
        }
    }

    @Test
    void hostileHeloAndAddressesGetA501AndNoStackTrace() throws Exception {
        try (SmtpClient c = gw.connect()) {
            c.script(GREETING + """
                    C: HELO bad\u0001name
                    S: 501 5.5.4 Invalid HELO name
                    C: HELO %s
                    S: 501 5.5.4 Invalid HELO name
                    C: MAIL FROM:<alice@sender.test>
                    S: 503 5.5.1 Send HELO or EHLO first
                    C: HELO mail.sender.test
                    S: 250 mx.gateway.test
                    C: MAIL FROM:alice@sender.test
                    S: 501 5.5.4 Syntax: address must be in angle brackets
                    C: MAIL FROM:<alice@sender.test> FROB=1
                    S: 555 5.5.4 Parameter FROB not supported
                    C: MAIL FROM:<ali\u0007ce@sender.test>
                    S: 501 5.5.4 Control character in address
                    C: MAIL FROM:<alice>
                    S: 501 5.1.7 Bad sender address syntax
                    C: MAIL FROM:<alice@sender.test>
                    S: 250 2.1.0 Sender OK
                    C: RCPT TO:<bob@ours.test
                    S: 501 5.5.4 Syntax: address not closed with '>'
                    C: RCPT TO:<%s@ours.test>
                    S: 501 5.5.4 Address too long
                    C: RCPT TO:<bob@ours.test> NOTIFY=NEVER
                    S: 555 5.5.4 RCPT parameters not supported
                    C: BDAT 100 LAST
                    S: 502 5.5.1 BDAT not offered (no CHUNKING), closing connection
                    """.formatted("h".repeat(300), "x".repeat(300)));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void heloWithCrOrLfClosesTheConnectionAndHeloWithSemicolonStaysInsideItsHeaderField() throws Exception {
        try (SmtpClient c = gw.connect()) {
            c.expectLine("220 mx.gateway.test ESMTP spfgate");
            c.sendRaw("HELO evil.test\rReceived-SPF: pass\r\n");
            c.expectLine("501 Syntax error at character position 14. CR and LF must be CRLF paired.  See RFC 2821 #2.7.1.");
            assertTrue(c.closedByServer());
        }
        int before = gw.internal.deliveries().size();
        try (SmtpClient c = gw.connect()) {
            c.script(GREETING + """
                    C: HELO x;identity=helo;receiver=evil(comment
                    S: 250 mx.gateway.test
                    """ + MAIL_FROM_ALICE + RCPT_TO_BOB + DATA);
            c.sendMessage("Subject: x\r\n\r\nbody\r\n");
            c.expectLine("250 2.0.0 Ok: queued as Q...");
        }
        String text = gw.internal.deliveries().get(before).text();
        String headerBlock = text.substring(0, text.indexOf("Subject: x"));
        // only our fields: every line is the start of one of them or a folded continuation
        List<String> lines = List.of(headerBlock.split("\r\n"));
        for (String line : lines) {
            assertTrue(line.startsWith(" ") || line.startsWith("Authentication-Results: ")
                    || line.startsWith("Received-SPF: ") || line.startsWith("Received: "), headerBlock);
        }
        String unfolded = headerBlock.replace("\r\n ", " ");
        List<String> receivedSpf = unfolded.lines().filter(l -> l.startsWith("Received-SPF:")).toList();
        assertEquals(2, receivedSpf.size(), headerBlock); // mailfrom and helo identities
        for (String field : receivedSpf) {
            // the HELO's ";key=value" text must not become keys of their own
            assertEquals(1, count(field, "; identity="), field);
            assertEquals(1, count(field, "; receiver="), field);
            assertTrue(field.contains("; receiver=mx.gateway.test;"), field);
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
