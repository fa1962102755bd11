package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spfgate.dialog.Dialogs.DATA;
import static org.spfgate.dialog.Dialogs.GREETING;
import static org.spfgate.dialog.Dialogs.RCPT_TO_BOB;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
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
 * What an MX on the internet meets: PROXY headers cut anywhere by the network, connection floods.
 * Each test here failed on the gateway before it was hardened against it.
 */
class UnderAttackDialogTest {

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
