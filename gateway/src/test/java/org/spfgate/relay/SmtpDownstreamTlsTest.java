package org.spfgate.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spfgate.config.RelayConfig.Tls;

/**
 * STARTTLS towards the internal server per {@code relay.tls}, against Wiser with self-signed
 * test certificates.
 */
class SmtpDownstreamTlsTest {

    private static final byte[] HEADERS = "Received: from a by b; Mon, 23 Nov 2026 10:00:00 +0000\r\n".getBytes(US_ASCII);
    private static final byte[] MESSAGE = "Subject: over TLS\r\n\r\nsecret\r\n".getBytes(US_ASCII);

    private static TestCertificates internal;
    private static TestCertificates stranger;
    private static TestCertificates elsewhere;

    @BeforeAll
    static void certificates() throws Exception {
        internal = TestCertificates.load("internal");
        stranger = TestCertificates.load("stranger");
        elsewhere = TestCertificates.load("elsewhere");
    }

    private static Envelope envelope() {
        return new Envelope("alice@example.com", false, false, -1);
    }

    private static Reply relayOne(SmtpDownstream downstream) throws Exception {
        try (DownstreamTransaction t = downstream.open(envelope())) {
            t.recipient("bob@example.org");
            return t.data(HEADERS, new ByteArrayInputStream(MESSAGE));
        }
    }

    @Test
    void requiredTlsOfferedByTheInternalServerDelivers() throws Exception {
        // This server refuses MAIL until STARTTLS was done: delivery proves the TLS.
        try (InternalServer server = InternalServer.requiringTls(internal.serverContext());
                SmtpDownstream downstream = new SmtpDownstream(server.relay(Tls.REQUIRED, true, 2), "mx.example.org")) {
            assertEquals(new Reply(250, "Ok"), relayOne(downstream));
            assertEquals(1, server.messages().size());
            assertArrayEquals(SmtpDownstreamTest.concat(HEADERS, MESSAGE), server.messages().get(0).getData());
        }
    }

    @Test
    void theHealthProbeHonoursRequiredTls() throws Exception {
        try (InternalServer withTls = InternalServer.requiringTls(internal.serverContext());
                SmtpDownstream good = new SmtpDownstream(withTls.relay(Tls.REQUIRED, true, 2), "mx.example.org");
                InternalServer withoutTls = InternalServer.plain();
                SmtpDownstream bad = new SmtpDownstream(withoutTls.relay(Tls.REQUIRED, true, 2), "mx.example.org")) {
            assertTrue(good.isReachable());
            assertFalse(bad.isReachable());
        }
    }

    @Test
    void requiredTlsNotOfferedGives451WithoutSendingMail() throws Exception {
        try (InternalServer server = InternalServer.plain();
                SmtpDownstream downstream = new SmtpDownstream(server.relay(Tls.REQUIRED, true, 2), "mx.example.org")) {
            DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class, () -> downstream.open(envelope()));
            assertEquals(new Reply(451, "4.7.4 TLS is required, but the internal server does not offer STARTTLS"), refusal.reply());
            assertEquals(DownstreamRefusal.Kind.TLS, refusal.kind());
            assertEquals(0, server.messages().size());
        }
    }

    @Test
    void opportunisticTlsNotOfferedDeliversInPlainText() throws Exception {
        try (InternalServer server = InternalServer.plain();
                SmtpDownstream downstream = new SmtpDownstream(server.relay(Tls.OPPORTUNISTIC, true, 2), "mx.example.org")) {
            assertEquals(new Reply(250, "Ok"), relayOne(downstream));
            assertEquals(1, server.messages().size());
        }
    }

    @Test
    void opportunisticTlsOfferedIsUsed() throws Exception {
        try (InternalServer server = InternalServer.requiringTls(internal.serverContext());
                SmtpDownstream downstream = new SmtpDownstream(server.relay(Tls.OPPORTUNISTIC, true, 2), "mx.example.org")) {
            assertEquals(new Reply(250, "Ok"), relayOne(downstream));
        }
    }

    @Test
    void aVerifyingContextThatTrustsTheCertificateDelivers() throws Exception {
        try (InternalServer server = InternalServer.requiringTls(internal.serverContext());
                SmtpDownstream downstream = new SmtpDownstream(server.relay(Tls.REQUIRED, true, 2), "mx.example.org",
                        internal.trustingContext())) {
            assertEquals(new Reply(250, "Ok"), relayOne(downstream));
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
        try (InternalServer server = InternalServer.offeringTls(elsewhere.serverContext());
                SmtpDownstream downstream = new SmtpDownstream(server.relay(Tls.REQUIRED, true, 2), "mx.example.org",
                        elsewhere.trustingContext())) {
            DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class, () -> downstream.open(envelope()));
            assertEquals(new Reply(451, "4.7.5 TLS handshake with the internal server failed"), refusal.reply());
            assertEquals(DownstreamRefusal.Kind.TLS, refusal.kind());
        }
    }

    @Test
    void requiredTlsWithAnUntrustedCertificateGives451AndNothingIsSent() throws Exception {
        try (InternalServer server = InternalServer.offeringTls(internal.serverContext());
                SmtpDownstream downstream = new SmtpDownstream(server.relay(Tls.REQUIRED, true, 2), "mx.example.org",
                        stranger.trustingContext())) {
            DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class, () -> downstream.open(envelope()));
            assertEquals(new Reply(451, "4.7.5 TLS handshake with the internal server failed"), refusal.reply());
            assertEquals(DownstreamRefusal.Kind.TLS, refusal.kind());
            assertEquals(0, server.messages().size());
        }
    }

    @Test
    void opportunisticTlsWithAFailedHandshakeFallsBackToPlainText() throws Exception {
        try (InternalServer server = InternalServer.offeringTls(internal.serverContext());
                SmtpDownstream downstream = new SmtpDownstream(server.relay(Tls.OPPORTUNISTIC, true, 2), "mx.example.org",
                        stranger.trustingContext())) {
            assertEquals(new Reply(250, "Ok"), relayOne(downstream));
            assertEquals(1, server.messages().size());
            assertEquals(2, server.connections.get()); // the failed TLS attempt, then plain text
        }
    }
}
