package org.spfgate.testdns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A real DNS server for tests: in-process, authoritative for every name, speaking the wire
 * protocol over UDP and TCP on one ephemeral port of 127.0.0.1, answering from a {@link
 * TestZone}. Point the code under test at {@link #address()} (or {@code "127.0.0.1:" + port()}).
 *
 * <pre>{@code
 * TestZone zone = new TestZone()
 *     .txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all")
 *     .timeout("slow.example.com");
 * try (TestDnsServer dns = TestDnsServer.start(zone)) {
 *     // ... resolve through 127.0.0.1:dns.port() ...
 *     zone.a("late.example.com", "192.0.2.9");             // visible to the next query
 *     assertEquals(1, dns.queryCount("example.com", "TXT"));
 *     assertEquals(0, dns.queryCount("SPF"));               // no type-99 query was sent
 * }
 * }</pre>
 *
 * <p>What it answers (AA set, RD copied, question echoed):
 * <ul>
 *   <li>records of the asked type: NOERROR with them; CNAMEs inside the zone are followed and
 *       the chain is sent (a loop ends the chain: the client must detect it);</li>
 *   <li>a name with no record at all: NXDOMAIN; a name with records of other types only:
 *       NOERROR with an empty answer (NODATA); likewise at the end of a CNAME chain. Negative
 *       answers carry a SOA in the authority section whose
 *       TTL and minimum are {@link TestZone#negativeTtl(long)}, so clients can cache them
 *       (RFC 2308);</li>
 *   <li>a name with a fault: nothing ({@code TIMEOUT}), SERVFAIL, REFUSED, or a reply that
 *       does not parse ({@code GARBAGE});</li>
 *   <li>over UDP, a reply larger than 512 bytes (or than the query's EDNS payload size, if
 *       larger) is replaced by an empty one with TC set; the client retries over TCP and gets it
 *       whole (RFC 1035 4.2.1, RFC 7766);</li>
 *   <li>a query that does not parse: FORMERR if at least its id could be read, else dropped.
 *       The server keeps serving.</li>
 * </ul>
 *
 * <p>Wiring it to the code under test:
 * <ul>
 *   <li>the SPF engine's DNS: {@code new SpfDnsClient(List.of(dns.address()), Duration.ofMillis(500))};</li>
 *   <li>a gateway config: {@code dns.servers: ["127.0.0.1:" + dns.port()]} (e.g. {@code new
 *       HostPort("127.0.0.1", dns.port())} in a {@code DnsConfig});</li>
 *   <li>the {@code check} command: {@code --dns 127.0.0.1:<port>}.</li>
 * </ul>
 * A {@code TIMEOUT} name costs the client its whole query time-out: keep that short in tests
 * (a few hundred milliseconds).
 *
 * <p>Every query received is counted per name and type (UDP and TCP alike, so a truncated
 * lookup counts twice; {@link #tcpQueryCount()} counts TCP alone). Counts and the zone may be
 * read and changed while the server runs. {@link #close()} stops it and frees the port.
 */
public final class TestDnsServer implements AutoCloseable {

    /** One query as received. */
    public record Query(String name, String type, boolean tcp) {
    }

    private static final int UDP_LIMIT = 512;
    private static final int OUR_EDNS_PAYLOAD = 1232;

    private final TestZone zone;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<Query> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    private TestDnsServer(TestZone zone, DatagramSocket udp, ServerSocket tcp) {
        this.zone = zone;
        this.udp = udp;
        this.tcp = tcp;
    }

    /** Binds UDP and TCP on one free port of 127.0.0.1 and starts serving {@code zone}. */
    public static TestDnsServer start(TestZone zone) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            DatagramSocket udp = null;
            try {
                udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
                ServerSocket tcp = new ServerSocket();
                try {
                    tcp.setReuseAddress(true);
                    tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()), 50);
                } catch (IOException taken) {
                    tcp.close();
                    throw taken;
                }
                TestDnsServer server = new TestDnsServer(zone, udp, tcp);
                server.startThreads();
                return server;
            } catch (IOException e) {
                // The UDP port's TCP twin was taken: try another port.
                last = e;
                if (udp != null) {
                    udp.close();
                }
            }
        }
        throw new UncheckedIOException("no free port for UDP and TCP", last);
    }

    public int port() {
        return udp.getLocalPort();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }

    public TestZone zone() {
        return zone;
    }

    /** Queries received for {@code name} (case-insensitive, trailing dot optional) and type. */
    public int queryCount(String name, String type) {
        AtomicInteger count = counts.get(key(TestZone.name(name), Type.value(type)));
        return count == null ? 0 : count.get();
    }

    /** Queries received of {@code type} (e.g. {@code "SPF"} for type 99), any name. */
    public int queryCount(String type) {
        int value = Type.value(type);
        return (int) log.stream().filter(q -> Type.value(q.type()) == value).count();
    }

    public int totalQueryCount() {
        return log.size();
    }

    public int tcpQueryCount() {
        return tcpQueries.get();
    }

    /** Every query received so far, in order. */
    public List<Query> queries() {
        return List.copyOf(log);
    }

    public void resetCounts() {
        counts.clear();
        log.clear();
        tcpQueries.set(0);
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : connections) {
            closeQuietly(s);
        }
        for (Thread t : threads) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void startThreads() {
        Thread udpLoop = Thread.ofPlatform().daemon().name("test-dns-udp-" + port()).start(this::serveUdp);
        Thread tcpLoop = Thread.ofPlatform().daemon().name("test-dns-tcp-" + port()).start(this::acceptTcp);
        threads.add(udpLoop);
        threads.add(tcpLoop);
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            try {
                byte[] query = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
                byte[] reply = answer(query, false);
                if (reply != null) {
                    udp.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                }
            } catch (RuntimeException | IOException e) {
                // A bad packet must never stop the server.
            }
        }
    }

    private void acceptTcp() {
        while (!closed) {
            Socket socket;
            try {
                socket = tcp.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            connections.add(socket);
            Thread.ofVirtual().name("test-dns-tcp-conn").start(() -> serveTcp(socket));
        }
    }

    private void serveTcp(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (!closed) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (EOFException e) {
                    return;
                }
                byte[] query = in.readNBytes(length);
                if (query.length < length) {
                    return;
                }
                byte[] reply = answer(query, true);
                if (reply != null) {
                    // RFC 1035 4.2.2: two-byte length prefix, then the message.
                    out.writeShort(reply.length);
                    out.write(reply);
                    out.flush();
                }
            }
        } catch (SocketException e) {
            // closed by the client or by close()
        } catch (IOException | RuntimeException e) {
            // a broken connection ends only itself
        } finally {
            connections.remove(socket);
        }
    }

    /** The reply bytes for one query, or null to stay silent. */
    private byte[] answer(byte[] wire, boolean overTcp) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException | RuntimeException e) {
            return formatError(wire);
        }
        if (query.getHeader().getFlag(Flags.QR)) {
            return null; // a response: never answer those
        }
        Record question = query.getQuestion();
        if (question == null || query.getHeader().getOpcode() != Opcode.QUERY) {
            return reply(query, Rcode.NOTIMP).toWire();
        }
        count(question, overTcp);
        TestZone.Resolution resolution = zone.resolve(question.getName(), question.getType());
        if (resolution.fault() != null) {
            return switch (resolution.fault()) {
                case TIMEOUT -> null;
                case SERVFAIL -> reply(query, Rcode.SERVFAIL).toWire();
                case REFUSED -> reply(query, Rcode.REFUSED).toWire();
                case GARBAGE -> garbage(query.getHeader().getID());
            };
        }
        Message response = reply(query, resolution.rcode());
        for (Record r : resolution.answer()) {
            response.addRecord(r, Section.ANSWER);
        }
        int qtype = question.getType();
        if (resolution.answer().stream().noneMatch(r -> r.getType() == qtype)) {
            response.addRecord(soa(), Section.AUTHORITY);
        }
        byte[] bytes = response.toWire();
        if (!overTcp && bytes.length > udpLimit(query)) {
            // RFC 1035 4.2.1: too big for UDP; TC tells the client to ask again over TCP.
            Message truncated = reply(query, resolution.rcode());
            truncated.getHeader().setFlag(Flags.TC);
            return truncated.toWire();
        }
        return bytes;
    }

    private void count(Record question, boolean overTcp) {
        counts.computeIfAbsent(key(question.getName(), question.getType()), k -> new AtomicInteger())
                .incrementAndGet();
        log.add(new Query(question.getName().toString(true).toLowerCase(Locale.ROOT),
                Type.string(question.getType()), overTcp));
        if (overTcp) {
            tcpQueries.incrementAndGet();
        }
    }

    private static Message reply(Message query, int rcode) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.getHeader().setRcode(rcode);
        if (query.getQuestion() != null) {
            response.addRecord(query.getQuestion(), Section.QUESTION);
        }
        if (query.getOPT() != null) {
            response.addRecord(new OPTRecord(OUR_EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        return response;
    }

    private static int udpLimit(Message query) {
        OPTRecord opt = query.getOPT();
        return opt == null ? UDP_LIMIT : Math.max(UDP_LIMIT, Math.min(opt.getPayloadSize(), OUR_EDNS_PAYLOAD));
    }

    private SOARecord soa() {
        long ttl = zone.negativeTtl();
        return new SOARecord(Name.root, DClass.IN, ttl, TestZone.name("ns.test"),
                TestZone.name("hostmaster.test"), 1, 3600, 600, 86400, ttl);
    }

    /** FORMERR echoing the id of a query that does not parse (RFC 1035 4.1.1). */
    private static byte[] formatError(byte[] wire) {
        if (wire.length < 2) {
            return null;
        }
        if (wire.length >= 3 && (wire[2] & 0x80) != 0) {
            return null; // claims to be a response
        }
        int id = (wire[0] & 0xff) << 8 | (wire[1] & 0xff);
        Message response = new Message(id);
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setRcode(Rcode.FORMERR);
        return response.toWire();
    }

    /** The query's id, a response header claiming one question and two answers, then junk. */
    private static byte[] garbage(int id) {
        return new byte[] {
            (byte) (id >> 8), (byte) id, (byte) 0x84, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
            (byte) 0xc0, (byte) 0xff, 0x7f, 0x01, 0x02
        };
    }

    private static String key(Name name, int type) {
        return name.toString(true).toLowerCase(Locale.ROOT) + "/" + type;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
