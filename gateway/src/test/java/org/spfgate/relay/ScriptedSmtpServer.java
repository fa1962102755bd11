package org.spfgate.relay;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A tiny SMTP server on 127.0.0.1 whose replies a test sets exactly: the internal server for
 * the cases a real server cannot be made to do on demand (silence, a chosen 5xx after DATA, no
 * SMTPUTF8). It speaks real SMTP over a real socket, one virtual thread per connection; lines end
 * only at CRLF and the data ends only at CRLF.CRLF, as RFC 5321 says.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    /** A transaction the server accepted after the final dot. */
    record Delivery(String mailFrom, List<String> recipients, byte[] wireData, byte[] data) {
    }

    enum Silence { NEVER, AT_GREETING, AFTER_DATA_COMMAND_STOP_READING, AFTER_FINAL_DOT }

    volatile List<String> ehloKeywords = List.of("8BITMIME", "SMTPUTF8", "SIZE 10000000", "PIPELINING");
    volatile String mailReply = "250 2.1.0 Ok";
    volatile Function<String, String> rcptReply = address -> "250 2.1.5 Ok";
    volatile String dataReply = "354 End data with <CR><LF>.<CR><LF>";
    volatile String finalReply = "250 2.0.0 Ok: queued as 4ABC";
    volatile Silence silence = Silence.NEVER;
    volatile boolean closeAfterEachTransaction;
    /** When set, said unasked after each transaction's final reply (the connection stays open). */
    volatile String unsolicitedAfterEachTransaction;
    /** Answer EHLO with 502, as a server from before RFC 1869 does. */
    volatile boolean ehloUnknown;
    /** When set, the reply to EHLO and HELO, e.g. a 421 from a server that is shutting down. */
    volatile String greetingRefusal;

    final AtomicInteger connections = new AtomicInteger();
    /** Connections that ended (EOF) while the server was reading message data. */
    final AtomicInteger endedMidData = new AtomicInteger();
    /** Connections the server has closed or seen closed (counted once the socket is closed). */
    final AtomicInteger connectionsEnded = new AtomicInteger();
    /** How many times {@link #unsolicitedAfterEachTransaction} has been written. */
    final AtomicInteger unsolicitedSent = new AtomicInteger();
    final List<String> commands = new CopyOnWriteArrayList<>();
    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    private final ServerSocket listener;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    ScriptedSmtpServer() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try {
            converse(socket);
        } finally {
            connectionsEnded.incrementAndGet();
        }
    }

    private void converse(Socket socket) {
        try (socket) {
            // Each reply leaves at once (no Nagle delay behind the client's delayed ACK), so a
            // counted write such as unsolicitedSent has reached the client's socket.
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            if (silence == Silence.AT_GREETING) {
                in.transferTo(OutputStream.nullOutputStream()); // never answers; ends when the client closes
                return;
            }
            reply(out, "220 internal.test ESMTP scripted");
            String mailFrom = null;
            List<String> recipients = new ArrayList<>();
            String line;
            while ((line = readLine(in)) != null) {
                commands.add(line);
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (verb) {
                    case "EHLO" -> {
                        if (greetingRefusal != null) {
                            reply(out, greetingRefusal);
                            continue;
                        }
                        if (ehloUnknown) {
                            reply(out, "502 5.5.2 Error: command not recognized");
                            continue;
                        }
                        StringBuilder r = new StringBuilder("250");
                        r.append(ehloKeywords.isEmpty() ? " " : "-").append("internal.test");
                        for (int i = 0; i < ehloKeywords.size(); i++) {
                            r.append("\r\n250").append(i == ehloKeywords.size() - 1 ? " " : "-").append(ehloKeywords.get(i));
                        }
                        reply(out, r.toString());
                    }
                    case "HELO" -> reply(out, greetingRefusal != null ? greetingRefusal : "250 internal.test");
                    case "MAIL" -> {
                        mailFrom = line;
                        recipients.clear();
                        reply(out, mailReply);
                    }
                    case "RCPT" -> {
                        String address = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
                        String r = rcptReply.apply(address);
                        if (r == null) {
                            return; // a null reply: the server drops the connection here
                        }
                        if (r.startsWith("2")) {
                            recipients.add(address);
                        }
                        reply(out, r);
                    }
                    case "DATA" -> {
                        if (silence == Silence.AFTER_DATA_COMMAND_STOP_READING) {
                            reply(out, "354 go ahead");
                            Thread.sleep(60_000); // neither reads nor answers
                            return;
                        }
                        reply(out, dataReply);
                        if (!dataReply.startsWith("354")) {
                            continue;
                        }
                        ByteArrayOutputStream wire = new ByteArrayOutputStream();
                        ByteArrayOutputStream data = new ByteArrayOutputStream();
                        if (!readData(in, wire, data)) {
                            endedMidData.incrementAndGet();
                            return;
                        }
                        if (silence == Silence.AFTER_FINAL_DOT) {
                            in.transferTo(OutputStream.nullOutputStream());
                            return;
                        }
                        if (finalReply.startsWith("2")) {
                            deliveries.add(new Delivery(mailFrom, List.copyOf(recipients), wire.toByteArray(), data.toByteArray()));
                        }
                        reply(out, finalReply);
                        mailFrom = null;
                        recipients.clear();
                        if (unsolicitedAfterEachTransaction != null) {
                            reply(out, unsolicitedAfterEachTransaction);
                            unsolicitedSent.incrementAndGet();
                        }
                        if (closeAfterEachTransaction) {
                            return; // closes without a word, as a server with a short idle limit may
                        }
                    }
                    case "RSET" -> {
                        mailFrom = null;
                        recipients.clear();
                        reply(out, "250 2.0.0 Ok");
                    }
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 Bye");
                        return;
                    }
                    default -> reply(out, "502 5.5.2 Error: command not recognized");
                }
            }
        } catch (IOException | InterruptedException e) {
            // The client went away; the test looks at what was recorded.
        }
    }

    /** Reads data lines up to CRLF.CRLF; false if the connection ended first. */
    private static boolean readData(InputStream in, ByteArrayOutputStream wire, ByteArrayOutputStream data)
            throws IOException {
        while (true) {
            byte[] line = readLineBytes(in);
            if (line == null) {
                return false;
            }
            wire.write(line);
            wire.write('\r');
            wire.write('\n');
            if (line.length == 1 && line[0] == '.') {
                return true;
            }
            int skip = line.length > 0 && line[0] == '.' ? 1 : 0; // RFC 5321 section 4.5.2
            data.write(line, skip, line.length - skip);
            data.write('\r');
            data.write('\n');
        }
    }

    private static String readLine(InputStream in) throws IOException {
        byte[] b = readLineBytes(in);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** A line ends only at CRLF (a bare CR or LF is part of the line). */
    private static byte[] readLineBytes(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return java.util.Arrays.copyOf(bytes, bytes.length - 1);
            }
            line.write(b);
            previous = b;
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
