package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spfgate.cli.GatewayLauncher;
import org.spfgate.cli.SpfgateCommand;

/**
 * One policy, two front doors: for each refusal the dialog tests provoke, a real client talks to
 * the real gateway, then {@code explain} runs with the same config file, client IP, HELO, sender
 * and recipient, and must print the very reply the client got. And explain never asks the
 * internal server anything.
 */
class ExplainParityDialogTest {

    private static final GatewayLauncher NEVER = (config, file) -> {
        throw new AssertionError("explain must not start a gateway");
    };

    private static GatewayUnderTest gw;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayUnderTest.with(Zones.standard()).start();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    /** EHLO, MAIL and one RCPT over SMTP: the reply to the RCPT, as the client reads it. */
    private static String rcptReply(String helo, String from, String rcpt) throws Exception {
        try (SmtpClient c = gw.connect()) {
            c.readReply();
            c.send("EHLO " + helo).readReply();
            c.send("MAIL FROM:<" + from + ">");
            assertEquals("250 2.1.0 Sender OK", c.readReply());
            c.send("RCPT TO:<" + rcpt + ">");
            String reply = c.readReply();
            c.script(Dialogs.QUIT);
            return reply;
        }
    }

    private record Explained(int exitCode, List<String> out) {
    }

    private static Explained explain(String helo, String from, String rcpt) {
        StringWriter out = new StringWriter();
        int code = SpfgateCommand.commandLine(NEVER).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(new StringWriter(), true))
                .execute("explain", "--config", gw.configFile.toString(), "--ip", "127.0.0.1", "--helo", helo,
                        "--from", from, "--rcpt", rcpt);
        return new Explained(code, out.toString().lines().toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "SPF fail with the domain's explanation | mail.sender.test | mallory@forged.test | bob@ours.test | 1",
            "SPF fail with the default text | mail.sender.test | eve@plainfail.test | bob@ours.test | 1",
            "DNS time-out: temperror, deferred | mail.sender.test | slow@slow.test | bob@ours.test | 2",
            "HELO fail although MAIL FROM passes | badhelo.test | alice@sender.test | bob@ours.test | 1",
            "null sender judged on the HELO identity | badhelo.test | '' | bob@ours.test | 1",
            "a domain that is not ours | mail.sender.test | alice@sender.test | bob@elsewhere.test | 1",
            "the percent hack | mail.sender.test | alice@sender.test | bob%elsewhere.test@ours.test | 1",
            "a source route | mail.sender.test | alice@sender.test | @ours.test:bob@elsewhere.test | 1",
            "a second @ | mail.sender.test | alice@sender.test | bob@elsewhere.test@ours.test | 1",
            "a quoted @ | mail.sender.test | alice@sender.test | \"bob@elsewhere.test\"@ours.test | 1",
            "a trailing dot | mail.sender.test | alice@sender.test | bob@ours.test. | 1"})
    void explainPrintsTheReplyTheClientGot(String what, String helo, String from, String rcpt, int exitCode)
            throws Exception {
        String reply = rcptReply(helo, from, rcpt);
        assertTrue(reply.startsWith("5") || reply.startsWith("4"), what + ": the dialog refuses: " + reply);
        Explained e = explain(helo, from, rcpt);
        assertTrue(e.out().contains("rcpt " + rcpt + ": " + reply), what + ": explain printed\n"
                + String.join("\n", e.out()) + "\nthe client got: " + reply);
        assertEquals(exitCode, e.exitCode(), what);
    }

    @Test
    void aRecipientTheInternalServerWouldRefuseIsNotProbedAndExplainSaysSo() throws Exception {
        String reply = rcptReply("mail.sender.test", "alice@sender.test", "unknown-user@ours.test");
        assertTrue(reply.startsWith("550 5.1.1 "), reply);
        int seen = gw.internal.recipientsSeen().size();
        int delivered = gw.internal.deliveries().size();

        Explained e = explain("mail.sender.test", "alice@sender.test", "unknown-user@ours.test");
        assertTrue(e.out().contains("rcpt unknown-user@ours.test: accepted; the internal server's own reply to RCPT"
                + " would follow (not asked: explain sends nothing)"), String.join("\n", e.out()));
        assertEquals(0, e.exitCode());
        // explain returns only when done: anything it had sent would have arrived by now
        assertEquals(seen, gw.internal.recipientsSeen().size(), "explain asked the internal server about a recipient");
        assertEquals(delivered, gw.internal.deliveries().size(), "explain delivered a message");
    }
}
