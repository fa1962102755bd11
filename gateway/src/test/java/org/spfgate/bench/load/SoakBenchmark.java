package org.spfgate.bench.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;

/**
 * The soak and fault benchmark: the built jar (its own JVM, started by bin/spfgate) under mixed
 * traffic for a long time while everything around it misbehaves, counting what matters to a mail
 * administrator — messages lost (a client told 250 whose message the internal server never
 * committed) or duplicated (committed twice) — and watching the gateway's resident memory and
 * open file descriptors for leaks.
 *
 * <p>Around it, all on loopback: {@link FaultyInternalServer} as the internal server (a fifth of
 * connections and transactions get a fault: refused connection, 451 at MAIL, 550 at RCPT, reset
 * after RCPT, silence after the final dot until the gateway's relay time-out, 554 after the
 * final dot, slow replies); the in-process DNS server with the load's {@link SenderZone} at a
 * 5-second TTL (so queries keep reaching it) and a flapper that every two seconds makes a tenth
 * of the sender domains time out or SERVFAIL for two seconds (SPF temperror, 451 4.4.3).
 *
 * <p>The clients, {@code soak.concurrency} closed loops, each round one of: a message (7 in 10),
 * retried on 4xx or a lost connection as a sending MTA would, up to 6 attempts with the same
 * {@code Message-ID}; a sender whose SPF fails (550 expected); a DATA cut in the middle (nothing
 * may be delivered); a MAIL/RSET churn; a connection that only says EHLO and QUIT.
 *
 * <p>Run from the repository root (the documented run is 30 minutes):
 * <pre>
 * bin/with-jdk21 mvn -q -B -ntp package -DskipTests
 * bin/with-jdk21 mvn -q -B -ntp -f gateway/pom.xml exec:exec -Dexec.executable=java \
 *     -Dexec.classpathScope=test -Dexec.args="-Dsoak.minutes=30 -cp %classpath org.spfgate.bench.load.SoakBenchmark"
 * </pre>
 * Options (as {@code -D} before {@code -cp}): {@code soak.minutes} (30), {@code soak.concurrency}
 * (20), {@code soak.faultShare} (0.2). Exits 1 when a message was lost, duplicated, or delivered
 * after its DATA was cut.
 */
public final class SoakBenchmark {

    private static final long MB = 1_000_000;
    private static final int ATTEMPTS = 6;
    private static final String FAILING_DOMAIN = "fail.sender.example";

    private final InetSocketAddress gateway;
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final Set<String> cut = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private SoakBenchmark(InetSocketAddress gateway) {
        this.gateway = gateway;
    }

    public static void main(String[] args) throws Exception {
        int minutes = Integer.getInteger("soak.minutes", 30);
        int concurrency = Integer.getInteger("soak.concurrency", 20);
        double faultShare = Double.parseDouble(System.getProperty("soak.faultShare", "0.2"));
        Path workDir = Files.createTempDirectory("spfgate-soak");
        TestZone zone = SenderZone.build(5).txt(FAILING_DOMAIN, "v=spf1 -all");
        System.out.printf(Locale.ROOT, "spfgate soak benchmark, %s: %d min, %d clients, %.0f %% faults%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), minutes, concurrency, faultShare * 100);
        boolean ok;
        try (TestDnsServer dns = TestDnsServer.start(zone);
                FaultyInternalServer internal = new FaultyInternalServer(faultShare);
                GatewayProcess process = GatewayProcess.start(LoadGenerator.jar(), null,
                        workDir, internal.port(), dns.port(), 1000, "{ connect: 2s, command: 3s, data: 5s }",
                        "500ms")) {
            Runtime.getRuntime().addShutdownHook(new Thread(process::stop));
            ProcStatus status = process.status();
            SoakBenchmark soak = new SoakBenchmark(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), process.smtpPort()));
            long end = System.nanoTime() + Duration.ofMinutes(minutes).toNanos();
            Thread flapper = Thread.ofVirtual().start(() -> flapDns(zone, end));
            ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
            for (int c = 0; c < concurrency; c++) {
                clients.execute(() -> soak.clientLoop(end));
            }
            List<String> samples = new ArrayList<>();
            long[] first = null;
            long maxRss = 0;
            long maxFds = 0;
            long started = System.nanoTime();
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(30_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                long[] sample = {status.rssBytes(), status.openFiles(), (long) process.metric("spfgate_sessions_active")};
                if (first == null && System.nanoTime() - started > 60_000_000_000L) {
                    first = sample; // after a minute of warm-up
                }
                maxRss = Math.max(maxRss, sample[0]);
                maxFds = Math.max(maxFds, sample[1]);
                samples.add(String.format(Locale.ROOT, "%5.1f min  RSS %4d MB  fds %5d  sessions %4d",
                        (System.nanoTime() - started) / 60e9, sample[0] / MB, sample[1], sample[2]));
                System.out.println(samples.get(samples.size() - 1));
            }
            clients.shutdown();
            clients.awaitTermination(2, TimeUnit.MINUTES);
            flapper.join();
            // every session and relay connection has ended or idles: what is left open is a leak
            long idleUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (process.metric("spfgate_sessions_active") > 0 && System.nanoTime() < idleUntil) {
                Thread.sleep(200);
            }
            long[] last = {status.rssBytes(), status.openFiles(), (long) process.metric("spfgate_sessions_active")};
            double deadlines = process.metric("spfgate_client_deadlines_total");
            process.stop();

            Map<String, AtomicInteger> committed = internal.committed();
            long lost = soak.accepted.stream().filter(id -> !committed.containsKey(id)).count();
            long duplicated = committed.values().stream().filter(n -> n.get() > 1).count();
            long cutButDelivered = soak.cut.stream().filter(committed::containsKey).count();
            long committedUnconfirmed = committed.keySet().stream().filter(id -> !soak.accepted.contains(id)
                    && !soak.cut.contains(id)).count();
            if (first == null) {
                first = last;
            }
            System.out.println();
            System.out.println("| measurement | value |");
            System.out.println("| --- | --- |");
            row("duration, clients, fault share", minutes + " min, " + concurrency + ", " + faultShare);
            row("client rounds by outcome", new java.util.TreeMap<>(soak.outcomes).toString());
            row("faults injected by the internal server", new java.util.TreeMap<>(internal.injected()).toString());
            row("messages accepted (250 to the client)", Integer.toString(soak.accepted.size()));
            row("messages committed by the internal server", Integer.toString(committed.size()));
            row("**lost** (250 to the client, never committed)", Long.toString(lost));
            row("**duplicated** (committed more than once)", Long.toString(duplicated));
            row("delivered although the client's DATA was cut", Long.toString(cutButDelivered));
            row("committed but the client was not told 250", Long.toString(committedUnconfirmed));
            row("client connections closed at a deadline", String.format(Locale.ROOT, "%.0f", deadlines));
            row("RSS after 1 min / max / at the end, idle (MB)", first[0] / MB + " / " + maxRss / MB + " / " + last[0] / MB);
            row("open fds after 1 min / max / at the end, idle", first[1] + " / " + maxFds + " / " + last[1]);
            row("sessions open at the end", Long.toString(last[2]));
            ok = lost == 0 && duplicated == 0 && cutButDelivered == 0 && soak.accepted.size() > 0;
        }
        System.out.println(ok ? "soak passed" : "SOAK FOUND LOST, DUPLICATED OR HALF-RELAYED MESSAGES");
        System.exit(ok ? 0 : 1);
    }

    private static void row(String what, String value) {
        System.out.println("| " + what + " | " + value + " |");
    }

    /** Every 2 s a tenth of the sender domains time out or SERVFAIL for 2 s. */
    private static void flapDns(TestZone zone, long end) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < end) {
            List<String> broken = new ArrayList<>();
            for (int n = 0; n < SenderZone.DOMAINS; n++) {
                if (random.nextInt(10) == 0) {
                    String domain = SenderZone.senderDomain(n);
                    zone.fault(domain, random.nextBoolean() ? TestZone.Fault.TIMEOUT : TestZone.Fault.SERVFAIL);
                    broken.add(domain);
                }
            }
            LoopbackPort.sleep(Duration.ofSeconds(2));
            broken.forEach(zone::clearFault);
        }
    }

    private void clientLoop(long end) {
        while (System.nanoTime() < end) {
            int kind = ThreadLocalRandom.current().nextInt(100);
            String outcome;
            try {
                if (kind < 70) {
                    outcome = message();
                } else if (kind < 78) {
                    outcome = spfFail();
                } else if (kind < 86) {
                    outcome = cutData();
                } else if (kind < 93) {
                    outcome = churn();
                } else {
                    outcome = greetOnly();
                }
            } catch (IOException | RuntimeException e) {
                outcome = "error " + e.getClass().getSimpleName();
            }
            outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
        }
    }

    /** One message, retried on 4xx and lost connections like a sending MTA; its outcome. */
    private String message() {
        int n = ids.incrementAndGet();
        String id = "soak-" + n + "@s.sender.example";
        String sender = "soak" + n + "@" + SenderZone.senderDomain(n);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try (Conversation c = new Conversation(gateway)) {
                int code = c.transaction(sender, "user" + (n % 100) + "@" + GatewayProcess.DOMAIN, id, false);
                if (code == 250) {
                    accepted.add(id);
                    c.quit();
                    return attempt == 1 ? "message 250" : "message 250 after retries";
                }
                if (code >= 500) {
                    return "message " + code / 100 + "xx";
                }
            } catch (IOException lost) {
                // retry, as a sending MTA would
            }
            LoopbackPort.sleep(Duration.ofMillis(100L * attempt));
        }
        return "message gave up after " + ATTEMPTS + " attempts";
    }

    private String spfFail() throws IOException {
        try (Conversation c = new Conversation(gateway)) {
            int code = c.transaction("spam@" + FAILING_DOMAIN, "user1@" + GatewayProcess.DOMAIN,
                    "spam-" + ids.incrementAndGet() + "@fail", false);
            return "spf fail " + code;
        }
    }

    /** DATA begun and the connection dropped half-way: nothing of it may be delivered. */
    private String cutData() throws IOException {
        int n = ids.incrementAndGet();
        String id = "cut-" + n + "@s.sender.example";
        try (Conversation c = new Conversation(gateway)) {
            cut.add(id);
            int code = c.transaction("cut" + n + "@" + SenderZone.senderDomain(n), "user2@" + GatewayProcess.DOMAIN,
                    id, true);
            return code == 354 ? "cut DATA" : "cut DATA refused " + code;
        }
    }

    private String churn() throws IOException {
        try (Conversation c = new Conversation(gateway)) {
            c.expect(220);
            c.command("EHLO " + SenderZone.HELO);
            for (int i = 0; i < 5; i++) {
                c.command("MAIL FROM:<churn@" + SenderZone.senderDomain(i) + ">");
                c.command("RSET");
            }
            c.quit();
            return "churn";
        }
    }

    private String greetOnly() throws IOException {
        try (Conversation c = new Conversation(gateway)) {
            c.expect(220);
            c.command("EHLO " + SenderZone.HELO);
            c.quit();
            return "greet only";
        }
    }

    /** A raw SMTP client conversation; replies are read whole and their codes returned. */
    private static final class Conversation implements AutoCloseable {
        private final Socket socket = new Socket();
        private final InputStream in;
        private final OutputStream out;

        Conversation(InetSocketAddress server) throws IOException {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            socket.connect(server, 10_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        /**
         * Greeting to the reply to the final dot; the first reply that is not positive ends it.
         *
         * @param cutHalfWay send half the message and return 354 (the caller closes)
         */
        int transaction(String sender, String recipient, String messageId, boolean cutHalfWay) throws IOException {
            int code = expect(220);
            if (code != 220) {
                return code;
            }
            for (String command : new String[] {"EHLO " + SenderZone.HELO, "MAIL FROM:<" + sender + ">",
                    "RCPT TO:<" + recipient + ">", "DATA"}) {
                code = command(command);
                if (code >= 400) {
                    return code;
                }
            }
            String message = "From: <" + sender + ">\r\nTo: <" + recipient + ">\r\nMessage-ID: <" + messageId
                    + ">\r\nSubject: soak\r\n\r\n" + "The quick brown fox jumps over the lazy dog.\r\n".repeat(40);
            if (cutHalfWay) {
                out.write(message.substring(0, message.length() / 2).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return 354;
            }
            out.write((message + ".\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return expect(250);
        }

        int command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return expect(0);
        }

        void quit() throws IOException {
            command("QUIT");
        }

        /** Reads one whole reply and returns its code ({@code expected} is for the reader). */
        int expect(int expected) throws IOException {
            while (true) {
                StringBuilder line = new StringBuilder();
                int b;
                while ((b = in.read()) >= 0 && b != '\n') {
                    line.append((char) b);
                }
                if (b < 0) {
                    throw new IOException("connection closed, expecting " + expected);
                }
                if (line.length() < 4) {
                    throw new IOException("short reply " + line);
                }
                if (line.charAt(3) != '-') {
                    return Integer.parseInt(line.substring(0, 3));
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
