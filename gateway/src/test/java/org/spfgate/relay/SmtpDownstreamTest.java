package org.spfgate.relay;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.spfgate.config.RelayConfig.Tls;
import org.spfgate.config.ServerConfig.BareLineEndings;
import org.spfgate.message.BareLineEndingException;
import org.spfgate.message.BareLineEndingFilter;

/** The relay against a real SMTP server (SubEtha's Wiser) on loopback. */
class SmtpDownstreamTest {

    private static final byte[] HEADERS = ("Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=alice@example.com\r\n"
            + "Received: from mail.example.com by mx.example.org (spfgate) with ESMTP id 1; Mon, 23 Nov 2026 10:00:00 +0000\r\n")
            .getBytes(US_ASCII);

    private InternalServer server;
    private SmtpDownstream downstream;

    @BeforeEach
    void start() {
        server = InternalServer.plain();
        downstream = new SmtpDownstream(server.relay(Tls.NONE, true, 4), "mx.example.org");
    }

    @AfterEach
    void stop() {
        downstream.close();
        server.close();
    }

    private static Envelope from(String sender) {
        return new Envelope(sender, false, false, -1);
    }

    @Test
    void theInternalServerReceivesOurHeadersFollowedByTheMessageByteForByte() throws Exception {
        // Folded header, 8-bit body (Latin-1 and UTF-8 bytes), lines starting with dots, a lone dot.
        byte[] message = ("DKIM-Signature: v=1; a=rsa-sha256; d=example.com;\r\n\t h=from:to;\r\n"
                + "From: =?utf-8?q?J=C3=BCrgen?= <alice@example.com>\r\nSubject: dots\r\n\r\n"
                + "caf\u00e9 na\u00efve \u00ff\u0080\r\n.\r\n..two\r\n.leading dot\r\n \t trailing space \r\n\r\n")
                .getBytes(ISO_8859_1);
        try (DownstreamTransaction t = downstream.open(from("alice@example.com"))) {
            assertEquals(new Reply(250, "Ok"), t.recipient("bob@example.org"));
            Reply done = t.data(HEADERS, new ByteArrayInputStream(message));
            assertEquals(250, done.code());
        }
        assertEquals(1, server.messages().size());
        assertArrayEquals(concat(HEADERS, message), server.messages().get(0).getData());
        assertEquals("alice@example.com", server.messages().get(0).getEnvelopeSender());
        assertEquals("bob@example.org", server.messages().get(0).getEnvelopeReceiver());
    }

    @Test
    void aMessageNotEndingInCrLfGetsOneBeforeTheFinalDot() throws Exception {
        byte[] message = "Subject: x\r\n\r\nno line ending at the end".getBytes(US_ASCII);
        try (DownstreamTransaction t = downstream.open(from("alice@example.com"))) {
            t.recipient("bob@example.org");
            assertEquals(250, t.data(HEADERS, new ByteArrayInputStream(message)).code());
        }
        assertArrayEquals(concat(HEADERS, message, "\r\n".getBytes(US_ASCII)), server.messages().get(0).getData());
    }

    @Test
    void aRecipientTheInternalServerRefusesGetsItsReplyAndTheOtherIsDeliveredOnce() throws Exception {
        try (DownstreamTransaction t = downstream.open(from("alice@example.com"))) {
            assertEquals(new Reply(553, "<unknown@example.org> address unknown."), t.recipient("unknown@example.org"));
            assertEquals(new Reply(250, "Ok"), t.recipient("bob@example.org"));
            assertEquals(250, t.data(HEADERS, new ByteArrayInputStream("Subject: x\r\n\r\nhi\r\n".getBytes(US_ASCII))).code());
        }
        assertEquals(1, server.messages().size());
        assertEquals("bob@example.org", server.messages().get(0).getEnvelopeReceiver());
    }

    @Test
    void twoTransactionsInARowUseOneConnection() throws Exception {
        for (int i = 0; i < 2; i++) {
            try (DownstreamTransaction t = downstream.open(from("alice@example.com"))) {
                t.recipient("bob@example.org");
                assertEquals(250, t.data(HEADERS, new ByteArrayInputStream(("Subject: " + i + "\r\n\r\nx\r\n").getBytes(US_ASCII))).code());
            }
        }
        assertEquals(2, server.messages().size());
        assertEquals(1, server.connections.get());
    }

    @Test
    void anAbortedTransactionIsResetAndItsConnectionCarriesTheNextMessage() throws Exception {
        try (DownstreamTransaction t = downstream.open(from("first@example.com"))) {
            t.recipient("bob@example.org");
            t.abort();
        }
        try (DownstreamTransaction t = downstream.open(from("second@example.com"))) {
            t.recipient("carol@example.org");
            assertEquals(250, t.data(HEADERS, new ByteArrayInputStream("Subject: x\r\n\r\nx\r\n".getBytes(US_ASCII))).code());
        }
        assertEquals(1, server.messages().size());
        assertEquals("second@example.com", server.messages().get(0).getEnvelopeSender());
        assertEquals("carol@example.org", server.messages().get(0).getEnvelopeReceiver());
        assertEquals(1, server.connections.get());
    }

    @Test
    void smugglingAttemptsWithBareLineEndingsReachTheInternalServerAsOneNormalizedMessage() throws Exception {
        String smuggled = "MAIL FROM:<evil@attacker.example>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\nSubject: smuggled\r\n\r\nowned\r\n";
        byte[] message = ("Subject: legit\r\n\r\nbody\n.\r\n" + smuggled + "more\r.\r\n" + smuggled + "end\r\n").getBytes(US_ASCII);
        byte[] normalized = ("Subject: legit\r\n\r\nbody\r\n.\r\n" + smuggled + "more\r\n.\r\n" + smuggled + "end\r\n").getBytes(US_ASCII);
        try (DownstreamTransaction t = downstream.open(from("alice@example.com"))) {
            t.recipient("bob@example.org");
            InputStream filtered = new BareLineEndingFilter(new ByteArrayInputStream(message), BareLineEndings.NORMALIZE);
            assertEquals(250, t.data(HEADERS, filtered).code());
        }
        // QUIT, and wait for the server to end the session: a smuggled second transaction would
        // have been acted on before it
        downstream.close();
        server.awaitAllSessionsEnded();
        assertEquals(1, server.messages().size());
        assertArrayEquals(concat(HEADERS, normalized), server.messages().get(0).getData());
    }

    @Test
    void aBareLineEndingInRejectModeAbortsTheRelayAndNothingIsDelivered() throws Exception {
        byte[] message = "Subject: legit\r\n\r\nbody\n.\r\nMAIL FROM:<evil@attacker.example>\r\n".getBytes(US_ASCII);
        try (DownstreamTransaction t = downstream.open(from("alice@example.com"))) {
            t.recipient("bob@example.org");
            InputStream filtered = new BareLineEndingFilter(new ByteArrayInputStream(message), BareLineEndings.REJECT);
            BareLineEndingException e = assertThrows(BareLineEndingException.class, () -> t.data(HEADERS, filtered));
            assertEquals("bare LF at byte 22 of the message", e.getMessage());
        }
        server.awaitAllSessionsEnded(); // the aborted connection was closed, not pooled
        assertEquals(0, server.messages().size());
    }

    @Test
    void aMessageStreamFailingMidDataIsRethrownAndNothingIsDelivered() throws Exception {
        IOException vanished = new IOException("client vanished");
        try (DownstreamTransaction t = downstream.open(from("alice@example.com"))) {
            t.recipient("bob@example.org");
            InputStream failing = new FailingAfter("Subject: x\r\n\r\npartial line".getBytes(US_ASCII), vanished);
            assertSame(vanished, assertThrows(IOException.class, () -> t.data(HEADERS, failing)));
        }
        server.awaitAllSessionsEnded(); // the broken connection was closed, not pooled
        assertEquals(0, server.messages().size());
        // The broken connection was not pooled: the next transaction needs a new one, and works.
        try (DownstreamTransaction t = downstream.open(from("alice@example.com"))) {
            t.recipient("bob@example.org");
            assertEquals(250, t.data(HEADERS, new ByteArrayInputStream("Subject: y\r\n\r\ny\r\n".getBytes(US_ASCII))).code());
        }
        assertEquals(2, server.connections.get());
        assertEquals(1, server.messages().size());
    }

    @Test
    void aRunningInternalServerIsReachable() {
        assertTrue(downstream.isReachable());
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Gives {@code data}, then throws {@code failure}, as SubEtha's stream does when the client drops. */
    static final class FailingAfter extends InputStream {
        private final ByteArrayInputStream data;
        private final IOException failure;

        FailingAfter(byte[] data, IOException failure) {
            this.data = new ByteArrayInputStream(data);
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            int b = data.read();
            if (b < 0) {
                throw failure;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = data.read(b, off, len);
            if (n < 0) {
                throw failure;
            }
            return n;
        }
    }
}
