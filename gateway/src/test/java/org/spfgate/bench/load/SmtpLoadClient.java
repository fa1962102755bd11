package org.spfgate.bench.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.spfgate.dkim.DkimSigner;

/**
 * The client side of the load, on raw sockets with {@code TCP_NODELAY}: one whole SMTP transaction
 * per connection (greeting, EHLO, MAIL, RCPT, DATA with a 4 KB message, QUIT), each reply read and
 * its code checked before the next command — no pipelining, as most senders on the Internet.
 * After {@code 221} it waits for the server to close first, so that the {@code TIME_WAIT} sockets
 * pile up on the server's side and do not exhaust the client's ephemeral ports.
 */
final class SmtpLoadClient {

    /**
     * Exactly 4096 bytes of message (header and body, CRLF lines), before the terminating dot;
     * with {@code load.dkimRescue}, a DKIM-Signature field in front of them.
     */
    static final byte[] MESSAGE = SenderZone.DKIM_RESCUE ? signed(message(4096)) : message(4096);
    private static final int READ_TIMEOUT_MS = 30_000;
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    /** A reply that was not the one expected, or a connection lost. */
    static final class UnexpectedReply extends IOException {
        UnexpectedReply(String message) {
            super(message);
        }
    }

    private SmtpLoadClient() {
    }

    /**
     * Sends message number {@code n} (its sender domain and recipient vary with {@code n}).
     *
     * @return nanoseconds from the start of connect to the {@code 221} reply to QUIT
     */
    static long sendOne(InetSocketAddress server, int n) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = connect(server)) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 2048);
            OutputStream out = socket.getOutputStream();
            expect(in, 220, "greeting");
            command(out, in, "EHLO " + SenderZone.HELO, 250);
            command(out, in, "MAIL FROM:<bench" + n + "@" + SenderZone.senderDomain(n) + ">", 250);
            command(out, in, "RCPT TO:<user" + (n % 1000) + "@" + GatewayProcess.DOMAIN + ">", 250);
            command(out, in, "DATA", 354);
            byte[] data = new byte[MESSAGE.length + 3];
            System.arraycopy(MESSAGE, 0, data, 0, MESSAGE.length);
            data[MESSAGE.length] = '.';
            data[MESSAGE.length + 1] = '\r';
            data[MESSAGE.length + 2] = '\n';
            out.write(data);
            out.flush();
            expect(in, 250, "end of DATA");
            command(out, in, "QUIT", 221);
            long elapsed = System.nanoTime() - start;
            awaitClose(in);
            return elapsed;
        }
    }

    /** Opens a session and leaves it idle after EHLO; the caller closes the socket. */
    static Socket openIdle(InetSocketAddress server) throws IOException {
        Socket socket = connect(server);
        try {
            InputStream in = socket.getInputStream();
            expect(in, 220, "greeting");
            command(socket.getOutputStream(), in, "EHLO " + SenderZone.HELO, 250);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static Socket connect(InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.connect(server, CONNECT_TIMEOUT_MS);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static void command(OutputStream out, InputStream in, String line, int expected) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in, expected, line);
    }

    /** Reads one reply, every line of a multi-line one (RFC 5321 4.2.1), and checks its code. */
    private static void expect(InputStream in, int expected, String after) throws IOException {
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new UnexpectedReply("connection closed, expecting " + expected + " after " + after);
            }
            if (line.length() < 4 || !line.startsWith(Integer.toString(expected))) {
                throw new UnexpectedReply("\"" + line + "\" after " + after + ", expecting " + expected);
            }
            if (line.charAt(3) == ' ') {
                return;
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(80);
        for (int i = 0; i < 1000; i++) { // RFC 5321 4.5.3.1.5: a reply line is at most 512 octets
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
        throw new UnexpectedReply("reply line longer than 1000 octets");
    }

    private static void awaitClose(InputStream in) throws IOException {
        try {
            for (int i = 0; i < 64 && in.read() >= 0; i++) {
                // a server has nothing more to say after 221; bounded anyway
            }
        } catch (SocketTimeoutException e) {
            throw new UnexpectedReply("server did not close the connection after 221");
        }
    }

    private static byte[] signed(byte[] message) {
        try {
            return DkimSigner.sign(message, SenderZone.DKIM_KEY, SenderZone.DKIM_DOMAIN, SenderZone.DKIM_SELECTOR,
                    "relaxed/relaxed", List.of("from", "to", "subject", "date", "message-id"), -1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] message(int size) {
        StringBuilder m = new StringBuilder(size)
                .append("From: Bench Sender <bench@s00.sender.example>\r\n")
                .append("To: <user@").append(GatewayProcess.DOMAIN).append(">\r\n")
                .append("Subject: load test message of four kilobytes\r\n")
                .append("Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n")
                .append("Message-ID: <load-bench@s00.sender.example>\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: text/plain; charset=us-ascii\r\n")
                .append("\r\n");
        String text = "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs.";
        while (m.length() + text.length() + 2 <= size - 3) { // leaves room for a last short line
            m.append(text).append("\r\n");
        }
        while (m.length() < size - 2) {
            m.append('x');
        }
        m.append("\r\n");
        if (m.length() != size) {
            throw new IllegalStateException("message is " + m.length() + " bytes, not " + size);
        }
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
