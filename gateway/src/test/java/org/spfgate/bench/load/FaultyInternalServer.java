package org.spfgate.bench.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The internal server of the soak benchmark: real SMTP on a loopback port, one virtual thread per
 * connection, that misbehaves on purpose in a share of transactions — refusing the connection,
 * 451 at MAIL, 550 at RCPT, the connection reset after RCPT, no reply to the final dot until the
 * gateway gives up, 554 after the final dot, slow replies. A message counts as committed only
 * when this server sends 250 to its final dot; each commit is recorded by the message's
 * {@code Message-ID}, so the benchmark can count lost messages (a client told 250 whose message
 * was never committed) and duplicates (one committed twice).
 */
final class FaultyInternalServer implements AutoCloseable {

    /** The faults, each drawn for a share of connections or transactions. */
    enum Fault { NONE, REFUSE_CONNECTION, DEFER_MAIL, REJECT_RCPT, RESET_AFTER_RCPT, SILENT_AFTER_DOT, REJECT_DATA, SLOW }

    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID: <([^>]+)>");

    private final ServerSocket socket;
    private final double faultShare;
    private final Map<String, AtomicInteger> committed = new ConcurrentHashMap<>();
    private final Map<Fault, LongAdder> injected = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param faultShare the share of transactions (and of connections) that get a fault, e.g. 0.2 */
    FaultyInternalServer(double faultShare) throws IOException {
        this.faultShare = faultShare;
        this.socket = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("faulty-internal-accept").start(this::acceptLoop);
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Message-ID to the number of times it was committed. */
    Map<String, AtomicInteger> committed() {
        return committed;
    }

    /** How often each fault was injected. */
    Map<Fault, LongAdder> injected() {
        return injected;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = socket.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("faulty internal server: accept failed: " + e);
                }
            }
        }
    }

    private Fault draw(Fault... among) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (random.nextDouble() >= faultShare) {
            return Fault.NONE;
        }
        Fault fault = among[random.nextInt(among.length)];
        injected.computeIfAbsent(fault, f -> new LongAdder()).increment();
        return fault;
    }

    private void serve(Socket client) {
        try (client) {
            client.setTcpNoDelay(true);
            client.setSoTimeout(120_000);
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            if (draw(Fault.REFUSE_CONNECTION) == Fault.REFUSE_CONNECTION) {
                reply(out, "421 4.3.2 not now");
                return;
            }
            reply(out, "220 faulty.internal ESMTP");
            Fault fault = Fault.NONE;
            String line;
            while ((line = readLine(in)) != null) {
                String verb = line.length() < 4 ? line.toUpperCase() : line.substring(0, 4).toUpperCase();
                if (fault == Fault.SLOW) {
                    Thread.sleep(200);
                }
                switch (verb) {
                    case "EHLO" -> reply(out, "250-faulty.internal\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 100000000");
                    case "HELO" -> reply(out, "250 faulty.internal");
                    case "MAIL" -> {
                        fault = draw(Fault.DEFER_MAIL, Fault.REJECT_RCPT, Fault.RESET_AFTER_RCPT,
                                Fault.SILENT_AFTER_DOT, Fault.REJECT_DATA, Fault.SLOW);
                        reply(out, fault == Fault.DEFER_MAIL ? "451 4.3.0 try again" : "250 2.1.0 Ok");
                    }
                    case "RCPT" -> {
                        if (fault == Fault.RESET_AFTER_RCPT) {
                            client.setSoLinger(true, 0); // RST
                            return;
                        }
                        reply(out, fault == Fault.REJECT_RCPT ? "550 5.1.1 no such user" : "250 2.1.5 Ok");
                    }
                    case "DATA" -> {
                        reply(out, "354 go ahead");
                        byte[] message = readData(in);
                        if (fault == Fault.SILENT_AFTER_DOT) {
                            // no reply until the gateway gives up and closes; nothing committed
                            while (in.read() >= 0) {
                                // wait for the close
                            }
                            return;
                        }
                        if (fault == Fault.REJECT_DATA) {
                            reply(out, "554 5.6.0 content refused");
                        } else {
                            Matcher id = MESSAGE_ID.matcher(new String(message, StandardCharsets.ISO_8859_1));
                            if (id.find()) {
                                committed.computeIfAbsent(id.group(1), k -> new AtomicInteger()).incrementAndGet();
                            }
                            reply(out, "250 2.0.0 Ok: queued as F" + Integer.toHexString(message.length));
                        }
                        fault = Fault.NONE;
                    }
                    case "RSET" -> {
                        fault = Fault.NONE;
                        reply(out, "250 2.0.0 Ok");
                    }
                    case "NOOP" -> reply(out, "250 2.0.0 Ok");
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 Bye");
                        return;
                    }
                    default -> reply(out, "502 5.5.2 not implemented");
                }
            }
        } catch (IOException | InterruptedException gone) {
            // the gateway closed or reset the connection
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return null;
    }

    /** The message up to the line with a single dot (RFC 5321 4.1.1.4), not unstuffed. */
    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        String line;
        while ((line = readLine(in)) != null && !line.equals(".")) {
            message.write(line.getBytes(StandardCharsets.ISO_8859_1));
            message.write('\r');
            message.write('\n');
        }
        if (line == null) {
            throw new IOException("connection closed in DATA");
        }
        return message.toByteArray();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
    }
}
