package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.spfgate.dialog.Dialogs.EHLO;
import static org.spfgate.dialog.Dialogs.QUIT;
import static org.spfgate.dialog.Dialogs.READY_FOR_MESSAGE;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * SMTPUTF8 and 8BITMIME are never downgraded (RFC 6531 3.4; docs/contract.md §3), and the metrics move
 * exactly as the SMTP dialog says they should (docs/contract.md §6).
 */
class ExtensionsAndMetricsDialogTest {

    /** An internal server from another age: EHLO offers neither 8BITMIME nor SMTPUTF8. */
    private static ServerSocket legacyInternalServer() throws Exception {
        ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> speak(s));
                } catch (Exception closed) {
                    return;
                }
            }
        });
        return server;
    }

    private static void speak(Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            out.write("220 legacy.internal ESMTP\r\n".getBytes());
            for (String line; (line = in.readLine()) != null; ) {
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
                String reply = switch (verb) {
                    case "EHLO" -> "250-legacy.internal\r\n250 SIZE 10000000";
                    case "QUIT" -> "221 bye";
                    default -> "250 ok";
                };
                out.write((reply + "\r\n").getBytes());
                if (verb.equals("QUIT")) {
                    return;
                }
            }
        } catch (Exception gone) {
            // connection over
        }
    }

    @Test
    void smtputf8And8bitmimeAreRefusedAtMailWhenTheInternalServerDoesNotOfferThem() throws Exception {
        try (ServerSocket legacy = legacyInternalServer();
                GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).relayTo(legacy.getLocalPort()).start();
                SmtpClient c = gw.connect()) {
            c.script(EHLO + """
                    C: MAIL FROM:<alice@sender.test> SMTPUTF8
                    S: 553 5.6.7 ...
                    C: MAIL FROM:<alice@sender.test> BODY=8BITMIME
                    S: 554 5.6.3 ...
                    C: MAIL FROM:<alice@sender.test>
                    S: 250 2.1.0 Sender OK
                    C: RCPT TO:<bob@ours.test>
                    S: 250 ok
                    """);
        }
    }

    @Test
    void metricsCountRelayedRejectedAndDeferredTransactionsAndEachRefusal() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).start()) {
            String before = gw.gateway.metrics().scrape();
            try (SmtpClient c = gw.connect()) {
                c.script(READY_FOR_MESSAGE);
                c.sendMessage("Subject: counted\r\n\r\nx\r\n");
                c.script("""
                        S: 250 2.0.0 Ok: queued as Q...
                        C: MAIL FROM:<mallory@forged.test>
                        S: 250 2.1.0 Sender OK
                        C: RCPT TO:<bob@ours.test>
                        S: 550 5.7.23 forged.test never sends mail from 127.0.0.1
                        C: RSET
                        S: 250 2.0.0 Ok
                        C: MAIL FROM:<dave@slow.test>
                        S: 250 2.1.0 Sender OK
                        C: RCPT TO:<bob@ours.test>
                        S: 451 4.4.3 ...
                        C: RCPT TO:<bob@elsewhere.test>
                        S: 554 5.7.1 relaying denied
                        """ + QUIT);
            }
            gw.awaitLogLine(l -> l.contains("from=<dave@slow.test>"));
            String after = gw.gateway.metrics().scrape();
            assertEquals(1, delta(before, after, "spfgate_messages_total{outcome=\"relayed\"}"));
            assertEquals(1, delta(before, after, "spfgate_messages_total{outcome=\"rejected\"}"));
            assertEquals(1, delta(before, after, "spfgate_messages_total{outcome=\"deferred\"}"));
            assertEquals(1, delta(before, after, "spfgate_rejections_total{reason=\"spf_fail\"}"));
            assertEquals(1, delta(before, after, "spfgate_rejections_total{reason=\"spf_temperror\"}"));
            assertEquals(1, delta(before, after, "spfgate_rejections_total{reason=\"relay_denied\"}"));
            assertEquals(1, delta(before, after, "spfgate_spf_checks_total{identity=\"helo\",result=\"pass\"}"));
            assertEquals(1, delta(before, after, "spfgate_spf_checks_total{identity=\"mailfrom\",result=\"fail\"}"));
            assertEquals(1, delta(before, after, "spfgate_connections_total{outcome=\"accepted\"}"));
        }
    }

    /** The change of one series between two scrapes of the Prometheus text. */
    static double delta(String before, String after, String series) {
        return value(after, series) - value(before, series);
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
        if (!m.find()) {
            throw new AssertionError("no series " + series + " in:\n" + scrape);
        }
        return Double.parseDouble(m.group(1));
    }
}
