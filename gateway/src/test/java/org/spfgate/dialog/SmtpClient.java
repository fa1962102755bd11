package org.spfgate.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A raw-socket SMTP client for dialog tests: sends exactly the bytes a test gives (so tests can
 * send {@code <LF>.<CR><LF>} and other things no real client library would) and reads replies
 * line by line.
 *
 * <p>{@link #script} runs a dialog written as text, one step per line:
 * <pre>
 * S: 220 mx.gateway.test ESMTP spfgate      the next reply line, exactly
 * C: EHLO mail.sender.test                  sent with CRLF
 * S: 250 2.1.0 Sender OK
 * S: 550 5.7.23 sender.test does not...     "..." at the end: the line starts with this
 * </pre>
 */
final class SmtpClient implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static SmtpClient connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        return new SmtpClient(socket);
    }

    /** After our STARTTLS and the server's 220: the handshake; the dialog goes on encrypted. */
    javax.net.ssl.SSLSocket startTls(javax.net.ssl.SSLContext context) throws IOException {
        javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                .createSocket(socket, "mx.gateway.test", socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        socket = tls;
        in = tls.getInputStream();
        out = tls.getOutputStream();
        return tls;
    }

    /** Runs a dialog script (see the class comment). */
    SmtpClient script(String script) throws IOException {
        for (String step : script.strip().split("\n")) {
            step = step.strip();
            if (step.isEmpty()) {
                continue;
            }
            if (step.startsWith("C: ")) {
                send(step.substring(3));
            } else if (step.startsWith("S: ")) {
                expectLine(step.substring(3));
            } else {
                throw new IllegalArgumentException("script line must start with 'C: ' or 'S: ': " + step);
            }
        }
        return this;
    }

    void expectLine(String expected) throws IOException {
        String line = readLine();
        if (expected.endsWith("...")) {
            String prefix = expected.substring(0, expected.length() - 3);
            assertTrue(line != null && line.startsWith(prefix), "expected a line starting with <" + prefix
                    + "> but got <" + line + ">");
        } else {
            assertEquals(expected, line);
        }
    }

    /** Sends one command line with CRLF, UTF-8 encoded (SMTPUTF8, RFC 6531). */
    SmtpClient send(String line) throws IOException {
        return sendRaw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a message's text and the final {@code .<CRLF>} that ends it (RFC 5321 4.1.1.4). */
    SmtpClient sendMessage(String message) throws IOException {
        return sendRaw(message + ".\r\n");
    }

    /** Sends the text's bytes (ISO-8859-1: one char, one byte) exactly. */
    SmtpClient sendRaw(String bytes) throws IOException {
        return sendRaw(bytes.getBytes(StandardCharsets.ISO_8859_1));
    }

    SmtpClient sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** One reply line without CRLF; {@code null} when the server closed the connection. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n' && previous == '\r') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
    }

    /** Reads a whole (possibly multi-line) reply; lines joined with \n. */
    String readReply() throws IOException {
        StringBuilder reply = new StringBuilder();
        while (true) {
            String line = readLine();
            if (line == null) {
                return reply.isEmpty() ? null : reply.toString();
            }
            reply.append(reply.isEmpty() ? "" : "\n").append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return reply.toString();
            }
        }
    }

    /** Whether the server has closed the connection (reads until EOF or a short timeout). */
    boolean closedByServer() throws IOException {
        int timeout = socket.getSoTimeout();
        socket.setSoTimeout(3000);
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        } finally {
            socket.setSoTimeout(timeout);
        }
    }

    /** Drops the TCP connection without QUIT. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
