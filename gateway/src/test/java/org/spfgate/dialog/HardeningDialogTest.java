package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spfgate.dialog.Dialogs.DATA;
import static org.spfgate.dialog.Dialogs.HELO;
import static org.spfgate.dialog.Dialogs.MAIL_FROM_ALICE;
import static org.spfgate.dialog.Dialogs.QUIT;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.spfgate.config.ConfigLoader;
import org.spfgate.Gateway;
import org.spfgate.relay.Downstream;
import org.spfgate.relay.DownstreamTransaction;
import org.spfgate.relay.Envelope;
import org.spfgate.relay.Reply;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testhost.TemporaryDirectory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * What the gateway does with clients and internal servers that misbehave: relay failures counted
 * by what happened (never by reading reply text), exempt recipients visible in the decision log,
 * address harvesting and command loops cut off, and a bug in our own code answered with 451,
 * never a stack trace.
 */
class HardeningDialogTest {

    private static final String HELLO = HELO + MAIL_FROM_ALICE;

    /** DATA, a short message, and the reply to its final dot. */
    private static void sendMessage(SmtpClient c, String finalReply) throws IOException {
        c.script(DATA).sendMessage("Subject: hardening\r\n\r\nbody\r\n");
        c.expectLine(finalReply);
    }

    @Test
    void anInternalServersOwnRefusalThatReadsLikeAnOutageIsCountedAsItsRefusal() throws Exception {
        SMTPServer internal = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).hostName("internal.test")
                .messageHandlerFactory(HardeningDialogTest::mailboxServerDown).build();
        internal.start();
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).relayTo(internal.getPortAllocated()).start();
                SmtpClient c = gw.connect()) {
            c.script(HELLO + """
                    C: RCPT TO:<bob@ours.test>
                    S: 451 4.4.1 <bob@ours.test>: mailbox server down, try later
                    """ + QUIT);
            String metrics = gw.gateway.metrics().scrape();
            assertTrue(metrics.contains("spfgate_relay_failures_total{reason=\"unreachable\"} 0.0"), metrics);
            assertTrue(metrics.contains("spfgate_rejections_total{reason=\"downstream_rejected\"} 1.0"), metrics);
            assertTrue(metrics.contains("spfgate_rejections_total{reason=\"downstream_unavailable\"} 0.0"), metrics);
        } finally {
            internal.stop();
        }
    }

    private static MessageHandler mailboxServerDown(MessageContext context) {
        return new MessageHandler() {
            @Override
            public void from(String from) {
            }

            @Override
            public void recipient(String recipient) throws RejectException {
                throw new RejectException(451, "4.4.1 <" + recipient + ">: mailbox server down, try later");
            }

            @Override
            public String data(InputStream data) {
                throw new IllegalStateException("no recipient is ever accepted");
            }

            @Override
            public void done() {
            }
        };
    }

    @Test
    void aDeliveryDirectoryThatCannotStoreTheMessageIsAStorageFailureAndTheClientRetries() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).deliverToDirectory().start();
                SmtpClient c = gw.connect()) {
            Path directory = gw.deliveredDirectory();
            Files.delete(directory); // the disk went away under us
            Files.writeString(directory, "a file where the directory was");
            c.script(HELLO + """
                    C: RCPT TO:<bob@ours.test>
                    S: 250 2.1.5 Ok
                    """);
            sendMessage(c, "451 4.3.0 cannot store the message, try again later");
            String metrics = gw.gateway.metrics().scrape();
            assertTrue(metrics.contains("spfgate_relay_failures_total{reason=\"storage\"} 1.0"), metrics);
            assertTrue(metrics.contains("spfgate_relay_failures_total{reason=\"rejected\"} 0.0"), metrics);
            assertTrue(metrics.contains("spfgate_rejections_total{reason=\"downstream_unavailable\"} 1.0"), metrics);
            String line = gw.awaitLogLine(l -> l.contains("to=<bob@ours.test>"));
            assertTrue(line.contains("status=deferred reason=downstream_unavailable"), line);
        }
    }

    @Test
    void anExemptRecipientAcceptedDespiteAFailingSenderIsNamedInTheDecisionLog() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).start();
                SmtpClient c = gw.connect()) {
            c.script(HELO + """
                    C: MAIL FROM:<mallory@forged.test>
                    S: 250 2.1.0 Sender OK
                    C: RCPT TO:<bob@ours.test>
                    S: 550 5.7.23 forged.test never sends mail from 127.0.0.1
                    C: RCPT TO:<postmaster@ours.test>
                    S: 250 Ok
                    """);
            sendMessage(c, "250 2.0.0 Ok: queued as Q...");
            String line = gw.awaitLogLine(l -> l.contains("from=<mallory@forged.test>"));
            assertTrue(line.contains(" to=<postmaster@ours.test> refused_to=<bob@ours.test>"
                    + " exempt_to=<postmaster@ours.test> spf=fail"), line);
            assertTrue(line.contains("status=relayed would_reject=spf_fail reply=\"250 2.0.0 Ok: queued as Q"), line);
        }
    }

    @Test
    void aSenderThatPassesLeavesNoExemptionInTheDecisionLog() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).start();
                SmtpClient c = gw.connect()) {
            c.script(HELLO + "C: RCPT TO:<postmaster@ours.test>\nS: 250 Ok");
            sendMessage(c, "250 2.0.0 Ok: queued as Q...");
            String line = gw.awaitLogLine(l -> l.contains("from=<alice@sender.test>"));
            assertTrue(line.contains(" to=<postmaster@ours.test> spf=pass"), line);
            assertFalse(line.contains("exempt_to=") || line.contains("would_reject="), line);
        }
    }

    @Test
    void aClientCollectingTwentyRefusedRecipientsIsDisconnectedWith421() throws Exception {
        try (GatewayUnderTest gw = disconnectedAfterTwentyRefusals(i -> """
                C: RCPT TO:<user%d@elsewhere.test>
                S: 554 5.7.1 relaying denied
                """.formatted(i))) {
            assertEquals(List.of(), gw.internal.recipientsSeen());
            String line = gw.awaitLogLine(l -> l.contains("from=<alice@sender.test>"));
            assertTrue(line.contains("refused_to=<user1@elsewhere.test>,<user2@elsewhere.test>,"), line);
            assertTrue(line.contains("status=deferred reason=too_many_errors reply=\"421 4.7.0 too many errors, closing\""),
                    line);
            String metrics = gw.gateway.metrics().scrape();
            assertTrue(metrics.contains("spfgate_rejections_total{reason=\"relay_denied\"} 20.0"), metrics);
            assertTrue(metrics.contains("spfgate_rejections_total{reason=\"too_many_errors\"} 1.0"), metrics);
        }
    }

    @Test
    void refusedRecipientsCountAcrossTransactionsOfTheSameConnection() throws Exception {
        disconnectedAfterTwentyRefusals(i -> """
                C: RCPT TO:<unknown%d@ours.test>
                S: 550 5.1.1 <unknown%d@ours.test>: Recipient address rejected: User unknown
                C: RSET
                S: 250 2.0.0 Ok
                """.formatted(i, i) + MAIL_FROM_ALICE).close();
    }

    /**
     * A gateway whose client, after HELLO, runs twenty scripts that each end in a refused
     * recipient; the next RCPT gets 421, and the connection is closed.
     */
    private static GatewayUnderTest disconnectedAfterTwentyRefusals(IntFunction<String> refusal) throws Exception {
        GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).start();
        try (SmtpClient c = gw.connect()) {
            c.script(HELLO);
            for (int i = 1; i <= 20; i++) {
                c.script(refusal.apply(i));
            }
            c.script("""
                    C: RCPT TO:<bob@ours.test>
                    S: 421 4.7.0 too many errors, closing
                    """);
            assertTrue(c.closedByServer());
        } catch (IOException | AssertionError e) {
            gw.close();
            throw e;
        }
        return gw;
    }

    @Test
    void temporaryRefusalsDoNotCountTowardsTheErrorLimit() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).maxRecipients(1).start();
                SmtpClient c = gw.connect()) {
            c.script(HELLO + """
                    C: RCPT TO:<bob@ours.test>
                    S: 250 Ok
                    """);
            for (int i = 1; i <= 25; i++) {
                c.script("""
                        C: RCPT TO:<carol%d@ours.test>
                        S: 452 4.5.3 Too many recipients
                        """.formatted(i));
            }
            sendMessage(c, "250 2.0.0 Ok: queued as Q...");
        }
    }

    @Test
    void aClientThatOnlyLoopsOnNoopIsDisconnectedAfterAHundredCommands() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).start();
                SmtpClient c = gw.connect()) {
            c.expectLine("220 mx.gateway.test ESMTP spfgate");
            for (int i = 1; i <= 100; i++) {
                c.script(i % 2 == 0 ? "C: NOOP\nS: 250 2.0.0 Ok" : "C: RSET\nS: 250 2.0.0 Ok");
            }
            c.script("""
                    C: NOOP
                    S: 421 4.7.0 too many commands without mail, closing
                    """);
            assertTrue(c.closedByServer());
        }
    }

    /** A MAIL that delivers nothing is junk too: only a delivered message starts the count afresh. */
    @Test
    void aMailTransactionThatDeliversNothingDoesNotStartTheCountAfresh() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).start();
                SmtpClient c = gw.connect()) {
            c.script(HELLO + "C: RSET\nS: 250 2.0.0 Ok");
            for (int i = 1; i <= 97; i++) {
                c.script("C: NOOP\nS: 250 2.0.0 Ok");
            }
            c.script("C: MAIL FROM:<alice@sender.test>\nS: 421 4.7.0 too many commands without mail, closing");
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aBugInTheRelayAtMailBecomes451AndTheConnectionGoesOn() throws Exception {
        try (BrokenGateway gw = new BrokenGateway(Broken.Step.OPEN);
                SmtpClient c = gw.connect()) {
            c.script(HELLO.replace("S: 250 2.1.0 Sender OK", "S: 451 4.3.0 internal error"));
            c.script("C: NOOP\nS: 250 2.0.0 Ok"); // still connected, still answered
            c.script(QUIT);
        }
    }

    @Test
    void aBugInTheRelayAtRcptBecomes451AndEndsTheTransaction() throws Exception {
        try (BrokenGateway gw = new BrokenGateway(Broken.Step.RECIPIENT);
                SmtpClient c = gw.connect()) {
            c.script(HELLO + """
                    C: RCPT TO:<bob@ours.test>
                    S: 451 4.3.0 internal error
                    C: RCPT TO:<bob@ours.test>
                    S: 503 5.5.1 Need MAIL before RCPT
                    """ + QUIT);
            assertEquals(1, gw.downstream.aborted, "the downstream transaction was abandoned, once");
        }
    }

    @Test
    void aBugInTheRelayDuringDataClosesTheConnectionWith421SoThatNoMessageLineIsReadAsACommand() throws Exception {
        try (BrokenGateway gw = new BrokenGateway(Broken.Step.DATA);
                SmtpClient c = gw.connect()) {
            c.script(HELLO + """
                    C: RCPT TO:<bob@ours.test>
                    S: 250 2.1.5 Ok
                    """ + DATA);
            // the message's own lines, which must never be taken for commands
            c.sendRaw("Subject: x\r\n\r\nRSET\r\nMAIL FROM:<smuggled@sender.test>\r\n.\r\n");
            c.expectLine("421 4.3.0 internal error, closing connection");
            assertTrue(c.closedByServer());
            assertEquals(1, gw.downstream.aborted);
        }
    }

    /**
     * The real gateway, on loopback with the test DNS server, but with a downstream that fails
     * with a RuntimeException at one step: a bug, which no real internal server can be told to cause.
     */
    private static final class BrokenGateway implements AutoCloseable {
        final TestDnsServer dns = TestDnsServer.start(Zones.standard());
        final TemporaryDirectory directory = new TemporaryDirectory("spfgate-hardening");
        final Broken downstream;
        final Gateway gateway;

        BrokenGateway(Broken.Step failingStep) throws Exception {
            downstream = new Broken(failingStep);
            String yaml = """
                    server:
                      hostname: mx.gateway.test
                      listen: ["127.0.0.1:2525"]
                    domains: [ours.test]
                    deliver_to_directory: "%s"
                    dns:
                      servers: ["127.0.0.1:%d"]
                      query_timeout: 300ms
                    metrics:
                      listen: null
                    log:
                      file: "%s"
                    """.formatted(directory.resolve("delivered"), dns.port(), directory.resolve("decisions.log"));
            gateway = new Gateway(GatewayUnderTest.onAnyFreePort(ConfigLoader.parse(yaml, "hardening test")), downstream);
            gateway.start();
        }

        SmtpClient connect() throws IOException {
            return SmtpClient.connect(gateway.smtpAddresses().get(0));
        }

        @Override
        public void close() {
            gateway.close();
            dns.close();
            directory.close();
        }
    }

    /** A downstream with a bug at one step. */
    private static final class Broken implements Downstream {
        enum Step { OPEN, RECIPIENT, DATA }

        private final Step step;
        volatile int aborted;

        Broken(Step step) {
            this.step = step;
        }

        @Override
        public DownstreamTransaction open(Envelope envelope) {
            fail(Step.OPEN);
            return new DownstreamTransaction() {
                @Override
                public Reply recipient(String address) {
                    fail(Step.RECIPIENT);
                    return new Reply(250, "2.1.5 Ok");
                }

                @Override
                public Reply data(byte[] prepended, InputStream message) {
                    fail(Step.DATA); // before reading a byte of the message
                    return new Reply(250, "2.0.0 Ok");
                }

                @Override
                public void abort() {
                    aborted++;
                }

                @Override
                public void close() {
                }
            };
        }

        private void fail(Step at) {
            if (step == at) {
                throw new IllegalStateException("bug injected at " + at);
            }
        }

        @Override
        public boolean isReachable() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
