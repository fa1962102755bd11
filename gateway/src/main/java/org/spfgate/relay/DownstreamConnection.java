package org.spfgate.relay;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.spfgate.config.RelayConfig;
import org.spfgate.config.RelayConfig.Tls;

/**
 * One SMTP client connection to the internal server: greeting, EHLO, STARTTLS per
 * {@code relay.tls}, then commands and replies one at a time.
 *
 * <p>Written by hand over a {@link Socket} rather than on Angus's {@code SMTPTransport}: the
 * relay needs every reply's code and text as sent, different time-outs for commands and for the
 * data phase, and exact control of the DATA bytes (Angus's DATA stream silently rewrites bare CR
 * and LF, and its reads happen inside {@code synchronized} methods). The protocol subset needed
 * here (RFC 5321 client side, RFC 3207 STARTTLS) is small enough to read in one file.
 */
final class DownstreamConnection implements AutoCloseable, WaitDeadlines.Wait {

    /** RFC 5321 section 4.5.3.1.5 allows 512 octets per reply line; be lenient, but bounded. */
    private static final int MAX_REPLY_LINE = 4096;
    private static final int MAX_REPLY_LINES = 100;
    private static final Pattern ENHANCED_CODE = Pattern.compile("^[245]\\.\\d{1,3}\\.\\d{1,3}(?=\\s|$)");

    private final RelayConfig config;
    private final WaitDeadlines deadlines;
    private Socket tcp;        // the TCP socket, under TLS when STARTTLS was done
    private Socket socket;     // what we read and write: tcp, or the TLS socket layered on it
    private ReplyLineReader in;
    /** Read by the deadlines' sweep too. */
    private volatile WriteDeadline deadline;
    private OutputStream out;
    private ServerCapabilities capabilities = ServerCapabilities.HELO_ONLY;
    private boolean tls;
    private boolean broken;
    private long idleSinceNanos;
    /** While waiting for the internal server: when the wait must end ({@link WaitDeadlines}). */
    private volatile boolean waiting;
    private volatile long waitEndsNanos;
    private volatile boolean waitExpired;

    /** STARTTLS was offered and tried but the handshake failed; opportunistic TLS retries in plain. */
    /** How to start TLS: the socket factory, and whether the certificate must name the host. */
    record TlsClient(SSLSocketFactory factory, boolean verifyHostName) {
    }

    static final class StartTlsFailed extends IOException {
        StartTlsFailed(Throwable cause) {
            super("TLS handshake with the internal server failed: " + cause.getMessage(), cause);
        }
    }

    private DownstreamConnection(RelayConfig config, WaitDeadlines deadlines) {
        this.config = config;
        this.deadlines = deadlines;
    }

    /**
     * Connects and says EHLO; with {@code tryStartTls} and STARTTLS offered (or required by
     * {@code relay.tls}), upgrades the connection and says EHLO again (RFC 3207 section 4.2).
     *
     * @throws DownstreamRefusal TLS required but not offered or failed ({@code 451 4.7.4} /
     *         {@code 451 4.7.5}), or the server refused us at the greeting or at EHLO/HELO
     * @throws StartTlsFailed    opportunistic TLS failed in the handshake
     * @throws IOException       unreachable, lost, silent, or not speaking SMTP
     */
    static DownstreamConnection connect(RelayConfig config, String heloName, TlsClient tlsClient,
            boolean tryStartTls, WaitDeadlines deadlines)
            throws IOException, DownstreamRefusal {
        DownstreamConnection c = new DownstreamConnection(config, deadlines);
        try {
            c.open(heloName, tlsClient, tryStartTls);
            return c;
        } catch (IOException | DownstreamRefusal | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void open(String heloName, TlsClient tlsClient, boolean tryStartTls)
            throws IOException, DownstreamRefusal {
        Socket s = new Socket();
        tcp = s;
        socket = s;
        deadlines.watch(this);
        // Nagle's algorithm meets the server's delayed ACKs: a 40 ms floor per command without it
        // (docs/contract.md §8).
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(config.host(), config.port()), millis(config.timeouts().connect()));
        streams(s);

        Reply greeting = readReply(config.timeouts().command()).toReply();
        if (greeting.code() != 220) {
            throw new DownstreamRefusal(DownstreamRefusal.Kind.UNREACHABLE, new Reply(451,
                    "4.4.1 internal server does not accept connections: " + greeting));
        }
        hello(heloName);

        if (config.tls() == Tls.NONE) {
            return;
        }
        if (!capabilities.startTls() || !tryStartTls) {
            if (config.tls() == Tls.REQUIRED) {
                quietQuit();
                // RFC 3463 X.7.4: security features not supported (Postfix says the same).
                throw new DownstreamRefusal(DownstreamRefusal.Kind.TLS, new Reply(451,
                        "4.7.4 TLS is required, but the internal server does not offer STARTTLS"));
            }
            return;
        }
        ReplyLines answer = exchange("STARTTLS", config.timeouts().command());
        if (answer.code() != 220) {
            if (config.tls() == Tls.REQUIRED) {
                quietQuit();
                throw new DownstreamRefusal(DownstreamRefusal.Kind.TLS, new Reply(451,
                        "4.7.4 TLS is required, but the internal server refused STARTTLS: " + answer.toReply()));
            }
            return; // RFC 3207 section 4: the client may go on without TLS.
        }
        // Anything already buffered after the 220 was sent before TLS by someone in the middle
        // (the STARTTLS command-injection attack, CVE-2011-0411 class): never take it as a reply.
        if (in.available() > 0) {
            throw new IOException("internal server sent data after its STARTTLS reply");
        }
        SSLSocket ssl = (SSLSocket) tlsClient.factory().createSocket(s, config.host(), config.port(), true);
        ssl.setUseClientMode(true);
        if (tlsClient.verifyHostName()) {
            SSLParameters parameters = ssl.getSSLParameters();
            // RFC 7817 section 3 / RFC 6125: the certificate must name the host we connected to.
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(parameters);
        }
        try {
            awaitingServer(config.timeouts().command());
            ssl.startHandshake();
        } catch (SSLException e) {
            if (waitExpired) {
                throw timedOut(config.timeouts().command());
            }
            if (config.tls() == Tls.REQUIRED) {
                throw new DownstreamRefusal(DownstreamRefusal.Kind.TLS, new Reply(451,
                        "4.7.5 TLS handshake with the internal server failed"), e);
            }
            throw new StartTlsFailed(e);
        } catch (IOException e) {
            throw waitExpired ? timedOut(config.timeouts().command()) : e;
        } finally {
            waiting = false;
        }
        socket = ssl;
        tls = true;
        streams(ssl);
        // RFC 3207 section 4.2: forget what was learnt before TLS and ask again.
        capabilities = ServerCapabilities.HELO_ONLY;
        hello(heloName);
    }

    private void hello(String heloName) throws IOException, DownstreamRefusal {
        ReplyLines ehlo = exchange("EHLO " + heloName, config.timeouts().command());
        if (ehlo.code() == 250) {
            capabilities = ServerCapabilities.fromEhlo(ehlo.texts());
            return;
        }
        ReplyLines refused = ehlo;
        if (ehlo.code() >= 500) {
            // RFC 5321 section 3.2: a server that does not know EHLO is still spoken to with HELO.
            refused = exchange("HELO " + heloName, config.timeouts().command());
        }
        if (refused.code() != 250) {
            quietQuit();
            throw new DownstreamRefusal(DownstreamRefusal.Kind.UNREACHABLE, new Reply(451,
                    "4.4.1 internal server refused our greeting: " + refused.toReply()));
        }
        capabilities = ServerCapabilities.HELO_ONLY;
    }

    private void streams(Socket s) throws IOException {
        in = new ReplyLineReader(s.getInputStream(), 8192, MAX_REPLY_LINE);
        // The alarm closes the TCP socket itself: closing a TLS socket would try to write close_notify.
        deadline = new WriteDeadline(s.getOutputStream(), tcp, config.timeouts().command());
        out = new BufferedOutputStream(deadline, 65536);
    }

    ServerCapabilities capabilities() {
        return capabilities;
    }

    boolean isTls() {
        return tls;
    }

    /** Sends one command line and reads the reply within the command time-out. */
    Reply command(String line) throws IOException {
        return exchange(line, config.timeouts().command()).toReply();
    }

    /**
     * The stream for the message after a 354: writes are limited by the data time-out. The
     * caller dot-stuffs and ends the data, then calls {@link #endOfDataReply}.
     */
    OutputStream dataStream() {
        deadline.limit(config.timeouts().data());
        return out;
    }

    /** The reply to the final dot, waited for up to the data time-out (relay.timeouts.data, docs/contract.md §2). */
    Reply endOfDataReply() throws IOException {
        try {
            out.flush();
            return readReply(config.timeouts().data()).toReply();
        } finally {
            deadline.limit(config.timeouts().command());
        }
    }

    /** Sends one command line without waiting for its reply, which {@link #reply} reads. */
    void send(String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
        out.flush();
    }

    /** The reply to a command sent with {@link #send}, within the command time-out. */
    Reply reply() throws IOException {
        return readReply(config.timeouts().command()).toReply();
    }

    private ReplyLines exchange(String line, Duration timeout) throws IOException {
        send(line);
        return readReply(timeout);
    }

    /** One whole reply, multi-line or not, within {@code timeout}. */
    private ReplyLines readReply(Duration timeout) throws IOException {
        awaitingServer(timeout);
        try {
            return readReplyLines();
        } catch (IOException e) {
            throw waitExpired ? timedOut(timeout) : e;
        } finally {
            waiting = false;
        }
    }

    /** Starts a wait for the internal server that {@link #expireIfOverdue} ends after {@code timeout}. */
    private void awaitingServer(Duration timeout) {
        waitEndsNanos = System.nanoTime() + timeout.toNanos();
        waiting = true;
    }

    private static SocketTimeoutException timedOut(Duration timeout) {
        return new SocketTimeoutException("the internal server did not answer within " + timeout.toMillis() + " ms");
    }

    /**
     * Called by the {@link WaitDeadlines} sweep: a wait that has run out ends by closing the
     * connection under the blocked read (as the time-out of a blocking read would have).
     */
    @Override
    public void expireIfOverdue(long nowNanos) {
        WriteDeadline writes = deadline;
        if (writes != null) {
            writes.expireIfOverdue(nowNanos);
        }
        if (waiting && nowNanos - waitEndsNanos > 0) {
            waitExpired = true;
            markBroken();
            closeQuietly(tcp);
        }
    }

    private ReplyLines readReplyLines() throws IOException {
        int code = -1;
        List<String> texts = new ArrayList<>(1);
        while (true) {
            String line = in.readLine();
            if (line.length() < 3 || !isDigits(line.substring(0, 3))
                    || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new IOException("malformed reply from the internal server: " + printable(line));
            }
            int lineCode = Integer.parseInt(line.substring(0, 3));
            if (lineCode < 200 || lineCode > 599 || (code >= 0 && lineCode != code)) {
                throw new IOException("malformed reply from the internal server: " + printable(line));
            }
            code = lineCode;
            texts.add(line.length() > 4 ? printable(line.substring(4)) : "");
            boolean last = line.length() == 3 || line.charAt(3) == ' ';
            if (last) {
                return new ReplyLines(code, texts);
            }
            if (texts.size() >= MAX_REPLY_LINES) {
                throw new IOException("reply from the internal server has too many lines");
            }
        }
    }

    /** Idle in the pool from now on. */
    void idle() {
        idleSinceNanos = System.nanoTime();
    }

    /** Fit to carry another transaction: not in doubt, not idle too long, nothing unsolicited. */
    boolean usableAfterIdle(Duration idleLimit) {
        if (broken || socket == null || socket.isClosed()
                || System.nanoTime() - idleSinceNanos > idleLimit.toNanos()) {
            return false;
        }
        try {
            // Something to read while idle is an unsolicited reply (typically 421 before closing).
            return in.available() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    boolean isIdleLongerThan(Duration limit) {
        return System.nanoTime() - idleSinceNanos > limit.toNanos();
    }

    /** Marks the connection as in doubt: it will be closed instead of reused. */
    void markBroken() {
        broken = true;
    }

    boolean isBroken() {
        return broken;
    }

    /** Says QUIT (best effort, briefly) and closes. */
    void quit() {
        if (!broken) {
            quietQuit();
        }
        close();
    }

    private void quietQuit() {
        try {
            exchange("QUIT", Duration.ofSeconds(1));
        } catch (IOException | RuntimeException ignored) {
            // We are leaving anyway.
        }
    }

    /** Closes the socket at once: never a final dot, nothing half-sent gets delivered. */
    @Override
    public void close() {
        broken = true;
        deadlines.unwatch(this);
        // TCP first: a TLS close_notify could block on a server that stopped reading.
        closeQuietly(tcp);
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Already gone.
            }
        }
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Reply text goes into our own reply line: no control characters may pass. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return b.toString();
    }

    private static int millis(Duration d) {
        long ms = d.toMillis();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }

    /** A reply with all its lines, for EHLO; {@link #toReply} joins them for our client. */
    record ReplyLines(int code, List<String> texts) {

        Reply toReply() {
            StringBuilder text = new StringBuilder(texts.get(0));
            var first = ENHANCED_CODE.matcher(texts.get(0));
            String enhanced = first.find() ? first.group() : null;
            for (String more : texts.subList(1, texts.size())) {
                String rest = more;
                // Every line of a multi-line reply repeats the enhanced code (RFC 2034 section 4).
                if (enhanced != null && rest.startsWith(enhanced)) {
                    rest = rest.substring(enhanced.length()).stripLeading();
                }
                if (!rest.isEmpty()) {
                    text.append(' ').append(rest);
                }
            }
            return new Reply(code, text.toString());
        }
    }
}
