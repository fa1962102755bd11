package org.spfgate.bench.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.spfgate.testdns.TestDnsServer;

/**
 * The load benchmark of docs/contract.md §8, one program: messages/s at 50 concurrent sessions, latency
 * at concurrency 1, and resident memory at 50 busy and at 10,000 idle sessions — for the gateway,
 * and the same load sent straight to the sink as the baseline.
 *
 * <p>Set-up, all on loopback: the built jar runs in its own JVM ({@link GatewayProcess}, plain
 * started by {@code bin/spfgate} with the JVM options the Dockerfile and the systemd unit ship, unless
 * {@code -Dload.gatewayJvm} gives others for a plain {@code java -jar}), relaying to
 * Postfix's {@code smtp-sink} ({@link SmtpSink}), asking the in-process {@link TestDnsServer} for
 * the {@link SenderZone} (include chain, ip4 lists, {@code a}, {@code mx}; the clients' 127.0.0.1
 * passes on {@code mx}, the HELO name passes on {@code a}). Clients ({@link SmtpLoadClient}) send
 * one 4 KB message per connection over raw sockets with {@code TCP_NODELAY}, in a closed loop
 * ({@link ClosedLoopLoad}).
 *
 * <p>Phases, each bounded in time: gateway warm-up at 50 → gateway at 50 (RSS sampled) → sink
 * warm-up and sink at 50 → sink at 1 → gateway at 1 → 10,000 idle sessions on the gateway (RSS,
 * {@code spfgate_sessions_active}, and one message sent through while they are open). Then the
 * decision log is checked: every relayed message must show {@code spf=pass}. Prints a table and
 * exits (status 1 if a phase failed or a check did not hold).
 *
 * <p>Run from the repository root (about 90 seconds; needs Debian's {@code postfix} package for
 * {@code /usr/sbin/smtp-sink}, and {@code ulimit -n} 1,000 above the idle sessions):
 * <pre>
 * bin/with-jdk21 mvn -q -B -ntp package -DskipTests
 * bin/with-jdk21 mvn -q -B -ntp -f gateway/pom.xml exec:exec -Dexec.executable=java \
 *     -Dexec.classpathScope=test -Dexec.args="-cp %classpath org.spfgate.bench.load.LoadGenerator"
 * </pre>
 * Options, as {@code -D} before {@code -cp} inside {@code exec.args}: {@code load.seconds} (15,
 * each measured phase), {@code load.warmupSeconds} (10), {@code load.concurrency} (50),
 * {@code load.idleSessions} (10000), {@code load.gatewayJvm} (JVM options for the gateway, space
 * separated, e.g. {@code "-Xmx256m"}; default: the shipped ones; empty: none), {@code load.jar} (default {@code gateway/target/spfgate.jar}
 * or {@code target/spfgate.jar}, whichever exists).
 */
public final class LoadGenerator {

    private static final long MB = 1_000_000;

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("load.seconds", 15);
        int warmupSeconds = Integer.getInteger("load.warmupSeconds", 10);
        int concurrency = Integer.getInteger("load.concurrency", 50);
        int idleSessions = Integer.getInteger("load.idleSessions", 10_000);
        // By default bin/spfgate, as docker/Dockerfile's ENTRYPOINT and the systemd unit's ExecStart
        // run it: the benchmark measures what operators run. -Dload.gatewayJvm= (empty) measures a
        // bare "java -jar"; null below means "through the launcher".
        String jvm = System.getProperty("load.gatewayJvm");
        List<String> gatewayJvm = jvm == null ? null
                : Arrays.stream(jvm.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        Path jar = jar();
        long openFiles = ProcStatus.openFilesLimit();
        if (openFiles >= 0 && openFiles < idleSessions + 1000L) {
            // this process holds one socket per idle session; so does the gateway (same limit)
            System.out.printf(Locale.ROOT, "ulimit -n is %d: too low for %d idle sessions; raise it or lower"
                    + " -Dload.idleSessions%n", openFiles, idleSessions);
            System.exit(2);
        }
        Duration measure = Duration.ofSeconds(seconds);
        Duration warmup = Duration.ofSeconds(warmupSeconds);

        System.out.printf(Locale.ROOT, "spfgate load benchmark, %s%n", Instant.now().truncatedTo(ChronoUnit.SECONDS));
        System.out.printf(Locale.ROOT, "machine: %d CPUs (%s), load average %s; load generator on Java %s%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), ProcStatus.loadAverage(),
                Runtime.version());
        if (SenderZone.DKIM_RESCUE) {
            System.out.println("spf.dkim_rescue: [fail]; every message fails SPF and carries an aligned rsa-sha256 DKIM signature");
        }

        Path workDir = Files.createTempDirectory("spfgate-load");
        boolean ok = true;
        try (TestDnsServer dns = TestDnsServer.start(SenderZone.build());
                SmtpSink sink = SmtpSink.start();
                GatewayProcess gateway = GatewayProcess.start(jar, gatewayJvm, workDir, sink.port(), dns.port(),
                        idleSessions + 100)) {
            Runtime.getRuntime().addShutdownHook(new Thread(gateway::stop)); // Ctrl-C leaves nothing behind
            InetSocketAddress viaGateway = new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway.smtpPort());
            InetSocketAddress direct = new InetSocketAddress(InetAddress.getLoopbackAddress(), sink.port());
            ProcStatus gatewayStatus = gateway.status();
            ProcStatus sinkStatus = sink.status();
            System.out.printf(Locale.ROOT, "gateway: %s%n", gateway.commandLine());
            long startRss = gatewayStatus.rssBytes();
            System.out.printf(Locale.ROOT, "gateway pid %d up, RSS %d MB; smtp-sink on port %d; DNS on port %d%n",
                    gateway.pid(), startRss / MB, sink.port(), dns.port());

            SmtpLoadClient.sendOne(viaGateway, 0); // fails loudly if the set-up is wrong

            phase("gateway warm-up, " + concurrency + " clients", warmupSeconds);
            report(ClosedLoopLoad.run(viaGateway, concurrency, warmup, gatewayStatus));
            int dnsBefore = dns.totalQueryCount();
            phase("gateway, " + concurrency + " clients", seconds);
            ClosedLoopLoad.Result gateway50 = report(ClosedLoopLoad.run(viaGateway, concurrency, measure, gatewayStatus));
            int dnsQueries = dns.totalQueryCount() - dnsBefore;

            phase("sink warm-up, " + concurrency + " clients", 3);
            report(ClosedLoopLoad.run(direct, concurrency, Duration.ofSeconds(3), sinkStatus));
            phase("sink directly, " + concurrency + " clients", seconds);
            ClosedLoopLoad.Result sink50 = report(ClosedLoopLoad.run(direct, concurrency, measure, sinkStatus));

            phase("sink directly, 1 client", seconds);
            ClosedLoopLoad.Result sink1 = report(ClosedLoopLoad.run(direct, 1, measure, sinkStatus));
            phase("gateway, 1 client", seconds);
            ClosedLoopLoad.Result gateway1 = report(ClosedLoopLoad.run(viaGateway, 1, measure, gatewayStatus));

            phase(idleSessions + " idle sessions on the gateway", 0);
            IdleResult idle = idlePhase(gateway, viaGateway, idleSessions);
            ok &= idle.opened() == idleSessions && idle.active() >= idleSessions && !Double.isNaN(idle.throughMs());
            long peakRss = gatewayStatus.peakRssBytes();

            // A reverse lookup per client would show here as PTR queries (docs/contract.md §8: there must be none).
            System.out.printf(Locale.ROOT, "DNS queries in the whole run: %d (TXT %d, A %d, MX %d, AAAA %d, PTR %d)%n",
                    dns.totalQueryCount(), dns.queryCount("TXT"), dns.queryCount("A"), dns.queryCount("MX"),
                    dns.queryCount("AAAA"), dns.queryCount("PTR"));
            gateway.stop(); // flushes the decision log
            long relayed = gateway.logLinesWith(" status=relayed");
            // With load.dkimRescue every message fails SPF and is relayed because its DKIM signature rescues it.
            String expected = SenderZone.DKIM_RESCUE ? " spf=fail" : " spf=pass";
            long relayedPass = SenderZone.DKIM_RESCUE
                    ? gateway.logLinesWith(" status=relayed", expected, " helo_spf=pass", " rescued_by=dkim d=sender.example")
                    : gateway.logLinesWith(" status=relayed", expected, " helo_spf=pass");
            System.out.printf(Locale.ROOT, "decision log: %d relayed, %d of them with%s and helo_spf=pass%s%n",
                    relayed, relayedPass, expected, SenderZone.DKIM_RESCUE ? " and rescued_by=dkim" : "");
            if (relayed == 0 || relayed != relayedPass) {
                System.out.println("  not every relayed message passed SPF; last line: " + gateway.lastLogLine());
                ok = false;
            }
            ok &= gateway50.failures() == 0 && sink50.failures() == 0 && gateway1.failures() == 0
                    && sink1.failures() == 0;

            System.out.println();
            System.out.println(table(concurrency, gateway50, sink50, gateway1, sink1, dnsQueries, startRss, idleSessions,
                    idle, peakRss));
        }
        if (ok) {
            try (var files = Files.list(workDir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(workDir);
            System.out.println("all phases completed");
        } else {
            System.out.println("SOME PHASE FAILED (see above); the gateway's configuration and output are in " + workDir);
        }
        System.exit(ok ? 0 : 1);
    }

    private static String table(int concurrency, ClosedLoopLoad.Result gateway50, ClosedLoopLoad.Result sink50,
            ClosedLoopLoad.Result gateway1, ClosedLoopLoad.Result sink1, int dnsQueries, long startRss, int idleSessions,
            IdleResult idle, long peakRss) {
        StringBuilder t = new StringBuilder();
        t.append("| measurement | gateway | smtp-sink directly | target |\n");
        t.append("| --- | --- | --- | --- |\n");
        row(t, "messages/s, " + concurrency + " concurrent sessions", f0(gateway50.messagesPerSecond()),
                f0(sink50.messagesPerSecond()), "≥ 1,500");
        row(t, "latency at " + concurrency + ", median / p99 (ms)", ms(gateway50), ms(sink50), "");
        row(t, "server CPU per message at " + concurrency + " (ms)", f2(gateway50.serverCpuMillisPerMessage()),
                f2(sink50.serverCpuMillisPerMessage()), "");
        row(t, "latency at 1, median / p99 (ms)", ms(gateway1), ms(sink1),
                "median within 1 ms of the sink: here +"
                        + f2(gateway1.latencies().medianMillis() - sink1.latencies().medianMillis()) + " ms");
        row(t, "messages/s, 1 session", f0(gateway1.messagesPerSecond()), f0(sink1.messagesPerSecond()), "");
        row(t, "gateway RSS after start (MB)", Long.toString(startRss / MB), "", "");
        row(t, "gateway RSS at " + concurrency + " sessions, max sampled (MB)",
                Long.toString(gateway50.serverMaxRssBytes() / MB), "", "≤ 150 MB");
        row(t, "gateway RSS with " + idleSessions + " idle sessions (MB)", idle.rssBytes() / MB + " (" + idle.opened()
                + " open, " + idle.active() + " in spfgate_sessions_active)", "", "< 1 GiB (1,074 MB)");
        row(t, "live heap per idle session (KB)", idle.heapBytesPerSession() < 0 ? "?"
                : f1(idle.heapBytesPerSession() / 1000.0), "", "");
        row(t, "gateway peak RSS, whole run (MB)", Long.toString(peakRss / MB), "", "");
        row(t, "one message while " + idleSessions + " sessions idle (ms)", f1(idle.throughMs()), "", "");
        row(t, "DNS queries reaching the DNS server while measuring at " + concurrency,
                Integer.toString(dnsQueries), "", "");
        row(t, "failed transactions (at " + concurrency + " / at 1)", gateway50.failures() + " / " + gateway1.failures(),
                sink50.failures() + " / " + sink1.failures(), "0");
        row(t, "load average (1/5/15 min) at the end of the phases at " + concurrency, gateway50.loadAverage(),
                sink50.loadAverage(), "");
        row(t, "load average at the end of the phases at 1", gateway1.loadAverage(), sink1.loadAverage(), "");
        row(t, "load average with the idle sessions open", idle.loadAverage(), "", "");
        return t.toString();
    }

    /** What the idle phase saw; -1 or NaN where the gateway did not answer. */
    private record IdleResult(int opened, long rssBytes, long active, long heapBytesPerSession, double throughMs,
            String loadAverage) {
    }

    /**
     * Opens the idle sessions, then reads the gateway's RSS, its own count of sessions, its live
     * heap (against a histogram taken before), and times one message sent while they are open.
     * A gateway that gives up under them is reported, not thrown.
     */
    private static IdleResult idlePhase(GatewayProcess gateway, InetSocketAddress server, int count)
            throws InterruptedException {
        long heapBefore = -1;
        try {
            heapBefore = HeapHistogram.of(gateway.pid()).liveBytes();
            System.out.printf(Locale.ROOT, "  live heap before: %.1f MB%n", heapBefore / 1e6);
        } catch (IOException e) {
            System.out.println("  no heap histogram before: " + e.getMessage());
        }
        try (IdleSessions idle = IdleSessions.open(server, count, Duration.ofSeconds(90))) {
            LoopbackPort.sleep(Duration.ofSeconds(3)); // let the sessions settle
            long rss = -1;
            long active = -1;
            long perSession = -1;
            double throughMs = Double.NaN;
            try {
                rss = gateway.status().rssBytes();
                throughMs = SmtpLoadClient.sendOne(server, 1) / 1e6;
                active = gateway.sessionsActive();
                HeapHistogram after = HeapHistogram.of(gateway.pid());
                if (heapBefore >= 0 && idle.opened() > 0) {
                    perSession = (after.liveBytes() - heapBefore) / idle.opened();
                }
                System.out.printf(Locale.ROOT, "  live heap with the sessions open: %.1f MB; largest classes:%n",
                        after.liveBytes() / 1e6);
                after.topLines().forEach(l -> System.out.println("    " + l));
            } catch (IOException e) {
                System.out.println("  the gateway failed under the idle sessions: " + e);
            }
            String load = ProcStatus.loadAverage();
            System.out.printf(Locale.ROOT, "  opened %d, failed %d %s; spfgate_sessions_active %d; RSS %d MB;"
                    + " one message through them in %.1f ms%n", idle.opened(), idle.failed(), idle.firstFailures(),
                    active, rss / MB, throughMs);
            return new IdleResult(idle.opened(), rss, active, perSession, throughMs, load);
        }
    }

    private static void row(StringBuilder t, String... cells) {
        t.append('|');
        for (String c : cells) {
            t.append(' ').append(c).append(" |");
        }
        t.append('\n');
    }

    private static void phase(String name, int seconds) {
        System.out.printf(Locale.ROOT, "%s%s (load average %s)%n", name, seconds > 0 ? ", " + seconds + " s" : "",
                ProcStatus.loadAverage());
    }

    private static ClosedLoopLoad.Result report(ClosedLoopLoad.Result r) {
        System.out.printf(Locale.ROOT, "  %d messages in %.1f s = %.0f/s; latency median %.2f ms, p99 %.2f ms;"
                + " server CPU %.2f ms/message; server max RSS %d MB; %d failed %s%n",
                r.messages(), r.seconds(), r.messagesPerSecond(), r.latencies().medianMillis(),
                r.latencies().percentileMillis(99), r.serverCpuMillisPerMessage(), r.serverMaxRssBytes() / MB,
                r.failures(), r.firstFailures());
        return r;
    }

    private static String ms(ClosedLoopLoad.Result r) {
        return f2(r.latencies().medianMillis()) + " / " + f2(r.latencies().percentileMillis(99));
    }

    private static String f0(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static Path jar() throws IOException {
        String configured = System.getProperty("load.jar");
        List<Path> candidates = configured != null ? List.of(Path.of(configured))
                : List.of(Path.of("gateway/target/spfgate.jar"), Path.of("target/spfgate.jar"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new IOException("no gateway jar at " + candidates + ": build it first (mvn package -DskipTests)");
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
