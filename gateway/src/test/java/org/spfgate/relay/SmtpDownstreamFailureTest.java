package org.spfgate.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spfgate.relay.SmtpDownstreamTest.concat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.spfgate.config.RelayConfig.Tls;

/**
 * The relay against a scripted SMTP server on loopback, for the replies and failures a real
 * server does not produce on demand. Time-outs are short: connect 500 ms, command 700 ms,
 * data 900 ms.
 */
class SmtpDownstreamFailureTest {

    private static final byte[] HEADERS = "Received: from a by b; Mon, 23 Nov 2026 10:00:00 +0000\r\n".getBytes(US_ASCII);
    private static final byte[] MESSAGE = "Subject: hello\r\n\r\n.hidden dot\r\nbody\r\n".getBytes(US_ASCII);

    private ScriptedSmtpServer server;
    private SmtpDownstream downstream;

    @BeforeEach
    void start() throws IOException {
        server = new ScriptedSmtpServer();
        downstream = downstream(true, 4);
    }

    private SmtpDownstream downstream(boolean verifyRecipients, int connections) {
        return new SmtpDownstream(InternalServer.config(server.port(), Tls.NONE, verifyRecipients, connections), "mx.example.org");
    }

    @AfterEach
    void stop() throws IOException {
        downstream.close();
        server.close();
    }

    private static Envelope plainEnvelope() {
        return new Envelope("alice@example.com", false, false, -1);
    }

    private static InputStream message() {
        return new ByteArrayInputStream(MESSAGE);
    }

    @Test
    void anUnreachableInternalServerGives451AtOpen() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (SmtpDownstream down = new SmtpDownstream(InternalServer.config(closedPort, Tls.NONE, true, 2), "mx.example.org")) {
            DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class, () -> down.open(plainEnvelope()));
            assertEquals(new Reply(451, "4.4.1 internal server unreachable, try again later"), refusal.reply());
            assertEquals(DownstreamRefusal.Kind.UNREACHABLE, refusal.kind());
            assertFalse(down.isReachable());
        }
    }

    @Test
    void aHealthProbeOfAStoppedInternalServerSaysUnreachable() throws IOException {
        server.close();
        try (SmtpDownstream fresh = downstream(true, 2)) {
            assertFalse(fresh.isReachable());
        }
    }

    @Test
    void aHealthProbeSpeaksSmtpAndSaysQuit() throws Exception {
        try (SmtpDownstream fresh = downstream(true, 2)) {
            assertTrue(fresh.isReachable());
        }
        waitFor(() -> server.commands.contains("QUIT"));
        assertEquals(List.of("EHLO mx.example.org", "QUIT"), server.commands);
    }

    @Test
    void anInternalServerThatAcceptsButNeverAnswersGives451AfterTheCommandTimeout() {
        server.silence = ScriptedSmtpServer.Silence.AT_GREETING;
        long start = System.nanoTime();
        DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class, () -> downstream.open(plainEnvelope()));
        assertEquals(new Reply(451, "4.4.1 internal server unreachable, try again later"), refusal.reply());
        assertEquals(DownstreamRefusal.Kind.UNREACHABLE, refusal.kind());
        long waited = System.nanoTime() - start;
        assertTrue(waited >= 600_000_000L, "gave up before the 700 ms command time-out");
        assertTrue(waited < 5_000_000_000L, "gave up long after the 700 ms command time-out");
    }

    @Test
    void theInternalServersRefusalOfMailIsPassedThrough() {
        server.mailReply = "550 5.7.1 <alice@example.com>: Sender address rejected: Access denied";
        DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class, () -> downstream.open(plainEnvelope()));
        assertEquals(new Reply(550, "5.7.1 <alice@example.com>: Sender address rejected: Access denied"), refusal.reply());
        assertEquals(DownstreamRefusal.Kind.REJECTED, refusal.kind());
    }

    @Test
    void aMultiLineRefusalOfARecipientIsJoinedIntoOneLine() throws Exception {
        assertEquals(new Reply(550, "5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in virtual mailbox table"),
                recipientReplyWhenTheServerSays("550-5.1.1 <nobody@example.org>: Recipient address rejected:\r\n"
                        + "550 5.1.1 User unknown in virtual mailbox table"));
    }

    /** Our reply to {@code RCPT TO:<nobody@example.org>} when the internal server answers it with {@code serverReply}. */
    private Reply recipientReplyWhenTheServerSays(String serverReply) throws Exception {
        server.rcptReply = a -> serverReply;
        try (DownstreamTransaction t = downstream.open(plainEnvelope())) {
            return t.recipient("nobody@example.org");
        }
    }

    @Test
    void anInternalServerLostAtRcptGives451AndDataAnswersTheSameAfterReadingTheMessage() throws Exception {
        server.rcptReply = a -> null;
        InputStream body = message();
        try (DownstreamTransaction t = downstream.open(plainEnvelope())) {
            Reply lost = new Reply(451, "4.4.1 connection to the internal server lost, try again later");
            DownstreamRefusal atRcpt = assertThrows(DownstreamRefusal.class, () -> t.recipient("bob@example.org"));
            assertEquals(lost, atRcpt.reply());
            assertEquals(DownstreamRefusal.Kind.LOST, atRcpt.kind());
            assertSame(atRcpt, assertThrows(DownstreamRefusal.class, () -> t.recipient("carol@example.org")));
            assertSame(atRcpt, assertThrows(DownstreamRefusal.class, () -> t.data(HEADERS, body)));
        }
        assertEquals(-1, body.read());
        assertEquals(0, downstream.idleConnections());
    }

    @Test
    void a421FromTheInternalServerReachesTheClientAs451WithItsText() throws Exception {
        assertEquals(new Reply(451, "4.3.2 Service shutting down"),
                recipientReplyWhenTheServerSays("421 4.3.2 Service shutting down"));
    }

    @Test
    void aRecipientRefusalWhoseTextLooksLikeOursIsStillTheInternalServersReply() throws Exception {
        assertEquals(new Reply(451, "4.4.1 <nobody@example.org>: mailbox server down, try later"),
                recipientReplyWhenTheServerSays("451 4.4.1 <nobody@example.org>: mailbox server down, try later"));
    }

    @Test
    void aNonRefusalWhereARefusalWasDueIsAProtocolFailure() throws Exception {
        server.rcptReply = a -> "354 go ahead";
        try (DownstreamTransaction t = downstream.open(plainEnvelope())) {
            DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class, () -> t.recipient("bob@example.org"));
            assertEquals(new Reply(451, "4.4.1 unexpected reply from the internal server: 354 go ahead"), refusal.reply());
            assertEquals(DownstreamRefusal.Kind.PROTOCOL, refusal.kind());
        }
    }

    @Test
    void aClosedDownstreamRefusesNewTransactionsAsShuttingDown() {
        downstream.close();
        DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class, () -> downstream.open(plainEnvelope()));
        assertEquals(new Reply(421, "4.3.2 shutting down"), refusal.reply());
        assertEquals(DownstreamRefusal.Kind.SHUTTING_DOWN, refusal.kind());
    }

    @Test
    void aPermanentRefusalAfterTheFinalDotIsPassedThroughAndNothingIsDelivered() throws Exception {
        server.finalReply = "554 5.7.1 Message rejected: spam score too high";
        try (DownstreamTransaction t = downstream.open(plainEnvelope())) {
            assertEquals(new Reply(250, "2.1.5 Ok"), t.recipient("bob@example.org"));
            assertEquals(new Reply(554, "5.7.1 Message rejected: spam score too high"), t.data(HEADERS, message()));
        }
        assertEquals(List.of(), server.deliveries);
        // The connection was reset and kept.
        assertEquals("RSET", server.commands.get(server.commands.size() - 1));
        assertEquals(1, downstream.idleConnections());
    }

    @Test
    void anInternalServerSilentAfterTheFinalDotGives451AfterTheDataTimeout() throws Exception {
        server.silence = ScriptedSmtpServer.Silence.AFTER_FINAL_DOT;
        try (DownstreamTransaction t = downstream.open(plainEnvelope())) {
            t.recipient("bob@example.org");
            DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class, () -> t.data(HEADERS, message()));
            assertEquals(new Reply(451, "4.4.1 internal server did not answer in time, try again later"), refusal.reply());
            assertEquals(DownstreamRefusal.Kind.TIMEOUT, refusal.kind());
        }
        assertEquals(0, downstream.idleConnections());
    }

    @Test
    void anInternalServerThatStopsReadingMidDataGives451AndTheMessageIsStillReadToItsEnd() throws Exception {
        server.silence = ScriptedSmtpServer.Silence.AFTER_DATA_COMMAND_STOP_READING;
        LinesOf message = new LinesOf(200_000_000); // far more than the socket buffers hold
        try (DownstreamTransaction t = downstream.open(plainEnvelope())) {
            t.recipient("bob@example.org");
            DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class, () -> t.data(HEADERS, message));
            assertEquals(new Reply(451, "4.4.1 connection to the internal server lost, try again later"), refusal.reply());
            assertEquals(DownstreamRefusal.Kind.LOST, refusal.kind());
        }
        assertEquals(-1, message.read());
    }

    @Test
    void aClientVanishingMidDataClosesTheDownstreamConnectionWithoutTheFinalDot() throws Exception {
        IOException vanished = new IOException("client vanished");
        try (DownstreamTransaction t = downstream.open(plainEnvelope())) {
            t.recipient("bob@example.org");
            InputStream failing = new SmtpDownstreamTest.FailingAfter("Subject: x\r\n\r\nhalf a mess".getBytes(US_ASCII), vanished);
            assertSame(vanished, assertThrows(IOException.class, () -> t.data(HEADERS, failing)));
        }
        waitFor(() -> server.endedMidData.get() == 1);
        assertEquals(List.of(), server.deliveries);
        assertEquals(0, downstream.idleConnections());
    }

    @Test
    void theWireCarriesTheMessageDotStuffedAndTheInternalServerSeesItUnstuffed() throws Exception {
        try (DownstreamTransaction t = downstream.open(plainEnvelope())) {
            t.recipient("bob@example.org");
            assertEquals(new Reply(250, "2.0.0 Ok: queued as 4ABC"), t.data(HEADERS, message()));
        }
        ScriptedSmtpServer.Delivery d = server.deliveries.get(0);
        assertArrayEquals(concat(HEADERS, MESSAGE), d.data());
        assertArrayEquals(concat(HEADERS, "Subject: hello\r\n\r\n..hidden dot\r\nbody\r\n.\r\n".getBytes(US_ASCII)), d.wireData());
    }

    @Test
    void smtpUtf8UsedButNotOfferedIsRefusedAtMailWithoutDowngrade() {
        server.ehloKeywords = List.of("8BITMIME", "SIZE 1000000");
        DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class,
                () -> downstream.open(new Envelope("j\u00fcrgen@example.com", true, true, -1)));
        assertEquals(new Reply(553, "5.6.7 the internal server does not support SMTPUTF8, and this gateway does not downgrade"),
                refusal.reply());
        assertEquals(DownstreamRefusal.Kind.UNSUPPORTED_EXTENSION, refusal.kind());
        assertTrue(server.commands.stream().noneMatch(c -> c.startsWith("MAIL")));
    }

    @Test
    void eightBitMimeUsedButNotOfferedIsRefusedAtMailWithoutDowngrade() {
        server.ehloKeywords = List.of("SIZE 1000000");
        DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class,
                () -> downstream.open(new Envelope("alice@example.com", false, true, -1)));
        assertEquals(new Reply(554, "5.6.3 the internal server does not support 8BITMIME, and this gateway does not downgrade"),
                refusal.reply());
        assertEquals(DownstreamRefusal.Kind.UNSUPPORTED_EXTENSION, refusal.kind());
    }

    @Test
    void mailParametersAreForwardedWhenTheInternalServerOffersThem() throws Exception {
        try (DownstreamTransaction t = downstream.open(new Envelope("j\u00fcrgen@example.com", true, true, 4321))) {
            t.abort();
        }
        assertTrue(server.commands.contains("MAIL FROM:<j\u00fcrgen@example.com> SIZE=4321 BODY=8BITMIME SMTPUTF8"), server.commands.toString());
    }

    @Test
    void sizeIsNotForwardedToAServerThatDoesNotOfferIt() throws Exception {
        server.ehloKeywords = List.of("8BITMIME");
        try (DownstreamTransaction t = downstream.open(new Envelope("alice@example.com", false, false, 4321))) {
            t.abort();
        }
        assertTrue(server.commands.contains("MAIL FROM:<alice@example.com>"), server.commands.toString());
    }

    @Test
    void withAllConnectionsBusyOpenGives451AfterTheConnectTimeout() throws Exception {
        try (SmtpDownstream one = downstream(true, 1);
                DownstreamTransaction busy = one.open(plainEnvelope())) {
            DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class, () -> one.open(plainEnvelope()));
            assertEquals(new Reply(451, "4.4.5 all connections to the internal server are busy, try again later"), refusal.reply());
            assertEquals(DownstreamRefusal.Kind.BUSY, refusal.kind());
        }
    }

    @Test
    void aPooledConnectionTheServerClosedMeanwhileIsReplacedTransparently() throws Exception {
        server.closeAfterEachTransaction = true;
        for (int i = 0; i < 2; i++) {
            try (DownstreamTransaction t = downstream.open(plainEnvelope())) {
                t.recipient("bob@example.org");
                assertEquals(250, t.data(HEADERS, message()).code());
            }
            int closed = i + 1;
            waitFor(() -> server.connectionsEnded.get() == closed); // the server's close has been sent
        }
        assertEquals(2, server.deliveries.size());
        assertEquals(2, server.connections.get());
    }

    @Test
    void aPooledConnectionOnWhichTheServerSpokeUnaskedIsNotReused() throws Exception {
        server.unsolicitedAfterEachTransaction = "421 4.4.2 internal.test Error: timeout exceeded";
        for (int i = 0; i < 2; i++) {
            try (DownstreamTransaction t = downstream.open(plainEnvelope())) {
                assertEquals(new Reply(250, "2.1.5 Ok"), t.recipient("bob@example.org"));
                assertEquals(250, t.data(HEADERS, message()).code());
            }
            int said = i + 1;
            waitFor(() -> server.unsolicitedSent.get() == said); // the unasked line has been sent
        }
        assertEquals(2, server.deliveries.size());
        assertEquals(2, server.connections.get());
    }

    @Test
    void withoutRecipientVerificationRcptIsAnswered250AtOnceAndSentAtData() throws Exception {
        try (SmtpDownstream lazy = downstream(false, 2); DownstreamTransaction t = lazy.open(plainEnvelope())) {
            assertEquals(new Reply(250, "2.1.5 Ok"), t.recipient("bob@example.org"));
            assertEquals(new Reply(250, "2.1.5 Ok"), t.recipient("carol@example.org"));
            assertTrue(server.commands.stream().noneMatch(c -> c.startsWith("RCPT")));
            assertEquals(250, t.data(HEADERS, message()).code());
        }
        assertEquals(List.of("bob@example.org", "carol@example.org"), server.deliveries.get(0).recipients());
    }

    @Test
    void withoutRecipientVerificationOneRefusedRecipientStopsTheWholeMessage() throws Exception {
        server.rcptReply = a -> a.startsWith("nobody") ? "550 5.1.1 <" + a + ">: User unknown" : "250 2.1.5 Ok";
        InputStream body = message();
        try (SmtpDownstream lazy = downstream(false, 2); DownstreamTransaction t = lazy.open(plainEnvelope())) {
            t.recipient("bob@example.org");
            t.recipient("nobody@example.org");
            assertEquals(new Reply(550, "5.1.1 <nobody@example.org>: User unknown"), t.data(HEADERS, body));
        }
        assertEquals(-1, body.read(), "the message was read to its end");
        assertTrue(server.commands.stream().noneMatch(c -> c.equals("DATA")));
        assertEquals(List.of(), server.deliveries);
    }

    @Test
    void withoutRecipientVerificationATemporaryRefusalWinsSoTheClientRetries() throws Exception {
        server.rcptReply = a -> switch (a) {
            case "nobody@example.org" -> "550 5.1.1 <nobody@example.org>: User unknown";
            case "full@example.org" -> "452 4.2.2 <full@example.org>: Mailbox full";
            default -> "250 2.1.5 Ok";
        };
        try (SmtpDownstream lazy = downstream(false, 2); DownstreamTransaction t = lazy.open(plainEnvelope())) {
            t.recipient("nobody@example.org");
            t.recipient("full@example.org");
            assertEquals(new Reply(452, "4.2.2 <full@example.org>: Mailbox full"), t.data(HEADERS, message()));
        }
    }

    @Test
    void addressesWithControlCharactersNeverReachTheInternalServer() throws Exception {
        DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class,
                () -> downstream.open(new Envelope("a@b>\r\nRSET", false, false, -1)));
        assertEquals(new Reply(501, "5.1.7 sender address contains control characters"), refusal.reply());
        assertEquals(DownstreamRefusal.Kind.ADDRESS, refusal.kind());
        try (DownstreamTransaction t = downstream.open(plainEnvelope())) {
            DownstreamRefusal atRcpt = assertThrows(DownstreamRefusal.class, () -> t.recipient("bob@example.org>\r\nDATA"));
            assertEquals(new Reply(501, "5.1.3 recipient address contains control characters"), atRcpt.reply());
            assertEquals(DownstreamRefusal.Kind.ADDRESS, atRcpt.kind());
        }
        assertTrue(server.commands.stream().noneMatch(c -> c.startsWith("RCPT") || c.equals("DATA")), server.commands.toString());
    }

    @Test
    void aServerWithoutEhloIsSpokenToWithHelo() throws Exception {
        server.ehloUnknown = true;
        try (DownstreamTransaction t = downstream.open(plainEnvelope())) {
            t.recipient("bob@example.org");
            assertEquals(250, t.data(HEADERS, message()).code());
        }
        assertEquals(1, server.deliveries.size());
        assertTrue(server.commands.contains("HELO mx.example.org"), server.commands.toString());
    }

    @Test
    void aTemporaryRefusalOfEhloGives451WithTheServersText() {
        server.greetingRefusal = "421 4.3.2 internal.test shutting down";
        DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class, () -> downstream.open(plainEnvelope()));
        assertEquals(new Reply(451, "4.4.1 internal server refused our greeting: 421 4.3.2 internal.test shutting down"),
                refusal.reply());
        assertEquals(DownstreamRefusal.Kind.UNREACHABLE, refusal.kind());
        assertTrue(server.commands.stream().noneMatch(c -> c.startsWith("HELO")), server.commands.toString());
    }

    @Test
    void aServerWithoutEhloStillGetsPlainMessagesButNo8BitMime() {
        server.ehloUnknown = true;
        DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class,
                () -> downstream.open(new Envelope("alice@example.com", false, true, -1)));
        assertEquals(new Reply(554, "5.6.3 the internal server does not support 8BITMIME, and this gateway does not downgrade"),
                refusal.reply());
        assertEquals(DownstreamRefusal.Kind.UNSUPPORTED_EXTENSION, refusal.kind());
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(10);
        }
    }

    /** A large message made on the fly: {@code size} bytes of CRLF lines, never held in memory. */
    static final class LinesOf extends InputStream {
        private static final byte[] LINE = "0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n".getBytes(US_ASCII);
        private long remaining;
        private int position;

        LinesOf(long size) {
            remaining = size - size % LINE.length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            for (int i = 0; i < n; i++) {
                b[off + i] = LINE[position];
                position = (position + 1) % LINE.length;
            }
            remaining -= n;
            return n;
        }
    }

}
