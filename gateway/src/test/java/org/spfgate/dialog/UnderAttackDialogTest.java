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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What an MX on the internet meets: PROXY headers cut anywhere by the network, connection floods,
 * clients that never read, churn transactions, dribble bytes or never leave. Each test here
 * failed on the gateway before it was hardened against it.
 */
class UnderAttackDialogTest {

    private static final String COMMAND_DEADLINE = "421 4.4.2 Command not completed in time, closing connection";
    private static final String SESSION_DEADLINE = "421 4.4.2 Session time limit reached, closing connection";

    /**
     * As many clients as the relay has connections (4) each open a transaction and then pipeline
     * commands without ever reading a reply, until the gateway's writes block. Before the write
     * deadline each held its relay connection for good and everyone else got {@code 451 4.4.5};
     * now each is closed a second after its write blocked, its downstream transaction aborted,
     * and an honest client gets its 250s.
     */
    @Test
    void clientsThatNeverReadAreDroppedAtTheWriteDeadlineAndOthersKeepTheir250s() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard())
                .clientTimeouts("60s", "10s").clientDeadlines("1s", "10m").start()) {
            List<Socket> attackers = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket attacker = new Socket();
                    attacker.setReceiveBufferSize(2048); // a small window, never drained
                    attacker.connect(gw.address(), 5000);
                    attackers.add(attacker);
                    byte[] pipeline = neverReadPipeline(i);
                    Thread.ofVirtual().start(() -> {
                        try {
                            attacker.getOutputStream().write(pipeline);
                        } catch (IOException closedByTheGateway) {
                            // expected once the deadline passes
                        }
                    });
                }
                // every attacker has its transaction open on the internal server
                long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (gw.internal.recipientsSeen().size() < 4 * 10 && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertEquals(40, gw.internal.recipientsSeen().size());
                String reply = mailUntilAccepted(gw, Duration.ofSeconds(15));
                assertEquals("250 2.1.0 Sender OK", reply, "an honest client's MAIL while the attackers stall");
                assertEquals(4, gw.awaitCounter(4, "spfgate.client.deadlines", "deadline", "write"));
            } finally {
                for (Socket attacker : attackers) {
                    attacker.close();
                }
            }
        }
    }

    /**
     * EHLO, a transaction with ten recipients (the most a transaction takes here), 90 HELPs, and
     * 900 more recipients (each refused for now with 452 4.5.3: the transaction stays open):
     * about 40 kB of replies, none of them read.
     */
    private static byte[] neverReadPipeline(int attacker) {
        StringBuilder commands = new StringBuilder("EHLO attacker.example\r\nMAIL FROM:<alice@sender.test>\r\n");
        for (int r = 0; r < 10; r++) {
            commands.append("RCPT TO:<held").append(attacker).append('-').append(r).append("@ours.test>\r\n");
        }
        commands.append("HELP\r\n".repeat(90));
        for (int r = 0; r < 900; r++) {
            commands.append("RCPT TO:<more").append(r).append("@ours.test>\r\n");
        }
        return commands.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** An honest client's MAIL, tried again while all relay connections are busy; the last reply. */
    private static String mailUntilAccepted(GatewayUnderTest gw, Duration patience) throws Exception {
        long end = System.nanoTime() + patience.toNanos();
        try (SmtpClient c = gw.connect()) {
            c.script(HELO);
            while (true) {
                c.send("MAIL FROM:<alice@sender.test>");
                String reply = c.readLine();
                if (!reply.startsWith("451 4.4.5 ") || System.nanoTime() > end) {
                    if (reply.startsWith("250 ")) {
                        c.script(RCPT_TO_BOB + DATA);
                        c.sendMessage("Subject: honest\r\n\r\nx\r\n");
                        c.expectLine("250 2.0.0 Ok: queued as Q...");
                    }
                    return reply;
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * A transaction that delivers nothing counts toward the junk-command limit (MAIL and RSET
     * alike), as NOOP does: the 50th MAIL/RSET pair ends in 421, and the decision log has lines
     * for only the first ten abandoned transactions (the others are counted).
     */
    @Test
    void twoHundredMailRsetPairsEndIn421AndTheLogIsNotFlooded() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).start();
                SmtpClient c = gw.connect()) {
            c.script(HELO);
            String last = null;
            int pairs = 0;
            while (pairs < 200) {
                c.send("MAIL FROM:<alice@sender.test>");
                String mail = c.readLine();
                c.send("RSET");
                last = c.readLine();
                if (!"250 2.1.0 Sender OK".equals(mail) || !"250 2.0.0 Ok".equals(last)) {
                    last = mail.startsWith("421 ") ? mail : last;
                    break;
                }
                pairs++;
            }
            assertEquals("421 4.7.0 too many commands without mail, closing", last);
            assertEquals(49, pairs, "HELO, 49 pairs and the 50th MAIL are 100 commands");
            assertTrue(c.closedByServer());
            assertEquals(40, gw.awaitCounter(40, "spfgate.decision.log.suppressed"));
            assertEquals(10, gw.logLines().size(), String.join("\n", gw.logLines()));
        }
    }

    /** A delivered message starts the junk count afresh: an honest client sends many messages. */
    @Test
    void aDeliveredMessageStartsTheJunkCountAfresh() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).start();
                SmtpClient c = gw.connect()) {
            c.script(HELO);
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 40; i++) {
                    c.script(MAIL_FROM_ALICE + "C: RSET\nS: 250 2.0.0 Ok");
                }
                c.script(MAIL_FROM_ALICE + RCPT_TO_BOB + DATA);
                c.sendMessage("Subject: round " + round + "\r\n\r\nx\r\n");
                c.expectLine("250 2.0.0 Ok: queued as Q...");
            }
            c.script(QUIT);
        }
    }

    /**
     * One octet of a command line every 200 ms keeps SubEtha's per-read time-out (2 s here) from
     * ever firing; the command-line deadline ends it 2 s after its first octet.
     */
    @Test
    void aClientDribblingACommandLineIsClosedAtTheCommandDeadline() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).clientTimeouts("2s", "10s").start();
                SmtpClient c = gw.connect()) {
            c.script(HELO);
            byte[] line = ("MAIL FROM:<" + "a".repeat(60) + "@sender.test>\r\n").getBytes(StandardCharsets.US_ASCII);
            Thread dribbler = Thread.ofVirtual().start(() -> {
                try {
                    for (byte b : line) {
                        c.sendRaw(new byte[] {b});
                        Thread.sleep(200);
                    }
                } catch (IOException | InterruptedException closed) {
                    // the gateway closed the connection: done
                }
            });
            c.expectLine(COMMAND_DEADLINE);
            assertTrue(c.closedByServer());
            dribbler.interrupt();
            assertEquals(1, gw.awaitCounter(1, "spfgate.client.deadlines", "deadline", "command"));
        }
    }

    /** A client that is never idle long enough for any time-out is still closed at the session deadline. */
    @Test
    void aClientThatNeverLeavesIsClosedAtTheSessionDeadline() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).clientDeadlines("10s", "2s").start();
                SmtpClient c = gw.connect()) {
            c.script(HELO);
            String reply = null;
            for (int i = 0; i < 60 && !SESSION_DEADLINE.equals(reply); i++) {
                c.send("NOOP");
                reply = c.readLine();
                Thread.sleep(200);
            }
            assertEquals(SESSION_DEADLINE, reply);
            assertTrue(c.closedByServer());
            assertEquals(1, gw.awaitCounter(1, "spfgate.client.deadlines", "deadline", "session"));
        }
    }

    /** The session deadline cuts a DATA still arriving: nothing half-received is delivered. */
    @Test
    void theSessionDeadlineCutsADataStillArrivingAndNothingIsDelivered() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard()).clientDeadlines("10s", "2s").start();
                SmtpClient c = gw.connect()) {
            c.script(READY_FOR_MESSAGE);
            c.sendRaw("Subject: slow\r\n\r\nhalf a body\r\n");
            c.expectLine(SESSION_DEADLINE);
            assertTrue(c.closedByServer());
            gw.awaitLogLine(l -> l.contains("status=aborted"));
            assertEquals(0, gw.internal.deliveries().size());
        }
    }

    /** One client IP holds at most server.max_transactions_per_ip relay connections at once. */
    @Test
    void oneClientIpHoldsAtMostItsShareOfTransactions() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard())
                .serverKey("max_transactions_per_ip: 2").start();
                SmtpClient first = gw.connect();
                SmtpClient second = gw.connect();
                SmtpClient third = gw.connect()) {
            first.script(HELO + MAIL_FROM_ALICE);
            second.script(HELO + MAIL_FROM_ALICE);
            third.script(HELO + "C: MAIL FROM:<alice@sender.test>\n"
                    + "S: 451 4.7.0 Too many transactions from 127.0.0.1 at once, try again later");
            first.script("C: RSET\nS: 250 2.0.0 Ok");
            third.script(MAIL_FROM_ALICE + RCPT_TO_BOB);
            assertEquals(1, gw.counter("spfgate.rejections", "reason", "too_many_transactions"));
        }
    }

    /** The load balancer reports 192.0.2.10, a designated sender of forged.test. */
    private static final String PROXY_V1 = "PROXY TCP4 192.0.2.10 127.0.0.1 40000 25\r\n";

    private static final String SEND_FROM_THE_PROXIED_CLIENT = GREETING + """
            S: 250 mx.gateway.test
            C: MAIL FROM:<someone@forged.test>
            S: 250 2.1.0 Sender OK
            """ + RCPT_TO_BOB + DATA;

    @Test
    void aProxyV1HeaderSplitInsideItsFirstOctetsIsAcceptedAndTheCommandInItsSegmentIsKept() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard())
                .serverKey("proxy_protocol: [127.0.0.0/8]").start();
                SmtpClient c = gw.connect()) {
            c.sendRaw(PROXY_V1.substring(0, 3));
            Thread.sleep(100); // a segment of its own: the gateway has read "PRO" and must wait for more
            // the rest of the header and the client's first command in one segment
            c.sendRaw(PROXY_V1.substring(3) + "HELO client.example\r\n");
            c.script(SEND_FROM_THE_PROXIED_CLIENT);
            c.sendMessage("Subject: via LB\r\n\r\nx\r\n");
            c.expectLine("250 2.0.0 Ok: queued as Q...");
            assertTrue(gw.internal.deliveries().get(0).text().contains("client-ip=192.0.2.10"));
        }
    }

    @Test
    void aProxyV2HeaderWithTlvsSplitAfterThreeOctetsIsAcceptedAndTheCommandAfterItIsKept() throws Exception {
        byte[] header = proxyV2(new byte[] {(byte) 192, 0, 2, 10}, 40000, 150);
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard())
                .serverKey("proxy_protocol: [127.0.0.0/8]").start();
                SmtpClient c = gw.connect()) {
            c.sendRaw(java.util.Arrays.copyOfRange(header, 0, 3));
            Thread.sleep(100);
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            rest.write(header, 3, header.length - 3);
            rest.write("HELO client.example\r\n".getBytes(StandardCharsets.US_ASCII));
            c.sendRaw(rest.toByteArray());
            c.script(SEND_FROM_THE_PROXIED_CLIENT);
            c.sendMessage("Subject: via LB v2\r\n\r\nx\r\n");
            c.expectLine("250 2.0.0 Ok: queued as Q...");
            assertTrue(gw.internal.deliveries().get(0).text().contains("client-ip=192.0.2.10"));
        }
    }

    /** A trusted relay (a backup MX flushing its queue) is not bounded by server.max_transactions_per_ip. */
    @Test
    void aTrustedRelayIsNotBoundedInItsTransactions() throws Exception {
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard())
                .serverKey("max_transactions_per_ip: 1")
                .trusted("trusted: [{ name: backup-mx, networks: [127.0.0.0/8] }]").start();
                SmtpClient first = gw.connect();
                SmtpClient second = gw.connect()) {
            first.script(HELO + MAIL_FROM_ALICE);
            second.script(HELO + MAIL_FROM_ALICE);
            assertEquals(0, gw.counter("spfgate.rejections", "reason", "too_many_transactions"));
        }
    }

    /** A PROXY v2 header for a TCP over IPv4 client, with one TLV of {@code tlvBytes} octets (type 0x04, NOOP). */
    private static byte[] proxyV2(byte[] source, int port, int tlvBytes) {
        ByteBuffer b = ByteBuffer.allocate(16 + 12 + 3 + tlvBytes);
        b.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        b.put((byte) 0x21).put((byte) 0x11).putShort((short) (12 + 3 + tlvBytes));
        b.put(source).put(new byte[] {127, 0, 0, 1}).putShort((short) port).putShort((short) 25);
        b.put((byte) 0x04).putShort((short) tlvBytes).put(new byte[tlvBytes]);
        return b.array();
    }

    /**
     * 3,000 connection attempts at once, far over {@code max_connections}: every one completes
     * and hears 220 or 421 within seconds. With the kernel's accept queue at SubEtha's 50, some
     * hundreds were left in limbo (handshake done, never accepted) until the clients gave up.
     */
    @Test
    void aBurstOfThreeThousandConnectionsIsAllGreetedOrRefusedWithinSeconds() throws Exception {
        int burst = 3000;
        try (GatewayUnderTest gw = GatewayUnderTest.with(Zones.standard())
                .maxConnections(1000).maxConnectionsPerIp(burst).start()) {
            Map<String, Integer> firstLines = flood(gw.address(), burst, Duration.ofSeconds(20));
            int greeted = firstLines.getOrDefault("220 mx.gateway.test ESMTP spfgate", 0);
            int refused = firstLines.getOrDefault("421 4.7.0 Too many connections, try again later", 0);
            assertEquals(burst, greeted + refused, "first lines heard: " + firstLines);
            assertTrue(greeted >= 1000, "first lines heard: " + firstLines);
        }
    }

    /**
     * Opens {@code count} connections without waiting for any (non-blocking connects), keeps them
     * open, and counts the first line each one hears by {@code deadline} ({@code "(nothing)"}
     * for those that heard none, {@code "(connect failed)"} for those the kernel refused).
     */
    private static Map<String, Integer> flood(InetSocketAddress address, int count, Duration deadline)
            throws IOException {
        Map<String, Integer> firstLines = new TreeMap<>();
        List<SocketChannel> channels = new ArrayList<>();
        Map<SocketChannel, ByteArrayOutputStream> heard = new HashMap<>();
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < count; i++) {
                SocketChannel channel = SocketChannel.open();
                channels.add(channel);
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.SO_LINGER, 0); // no TIME_WAIT pile-up after the test
                if (channel.connect(address)) {
                    channel.register(selector, SelectionKey.OP_READ);
                } else {
                    channel.register(selector, SelectionKey.OP_CONNECT);
                }
                heard.put(channel, new ByteArrayOutputStream());
            }
            long end = System.nanoTime() + deadline.toNanos();
            int done = 0;
            ByteBuffer buffer = ByteBuffer.allocate(512);
            while (done < count && System.nanoTime() < end) {
                selector.select(100);
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    SocketChannel channel = (SocketChannel) key.channel();
                    if (key.isConnectable()) {
                        try {
                            channel.finishConnect();
                            key.interestOps(SelectionKey.OP_READ);
                        } catch (IOException refused) {
                            key.cancel();
                            firstLines.merge("(connect failed)", 1, Integer::sum);
                            done++;
                        }
                        continue;
                    }
                    buffer.clear();
                    int n;
                    try {
                        n = channel.read(buffer);
                    } catch (IOException reset) {
                        n = -1;
                    }
                    ByteArrayOutputStream line = heard.get(channel);
                    if (n > 0) {
                        line.write(buffer.array(), 0, n);
                    }
                    String text = line.toString(StandardCharsets.US_ASCII);
                    int crlf = text.indexOf("\r\n");
                    if (crlf >= 0 || n < 0) {
                        key.cancel();
                        firstLines.merge(crlf >= 0 ? text.substring(0, crlf) : "(closed: " + text + ")", 1,
                                Integer::sum);
                        done++;
                    }
                }
            }
            firstLines.put("(nothing)", count - done);
            firstLines.values().removeIf(n -> n == 0);
        } finally {
            for (SocketChannel channel : channels) {
                channel.close();
            }
        }
        return firstLines;
    }
}
