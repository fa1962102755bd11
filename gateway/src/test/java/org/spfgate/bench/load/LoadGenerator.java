package org.spfgate.bench.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.spfgate.testdns.TestDnsServer;

/**
 * The load benchmark of docs/contract.md §8, one program: messages/s and CPU per message at 50
 * and at 10 concurrent sessions, latency at concurrency 1, and resident memory at 50 busy and at
 * 10,000 idle sessions — for the gateway, and the same load sent straight to the sink, in the same
 * run, as the baseline the targets are ratios of.
 *
 * <p>Set-up, all on loopback: the built jar runs in its own JVM ({@link GatewayProcess},
 * started by {@code bin/spfgate} with the JVM options the Dockerfile and the systemd unit ship, unless
 * {@code -Dload.gatewayJvm} gives others for a plain {@code java -jar}), relaying to
 * Postfix's {@code smtp-sink} ({@link SmtpSink}), asking the in-process {@link TestDnsServer} for
 * the {@link SenderZone} (include chain, ip4 lists, {@code a}, {@code mx}; the clients' 127.0.0.1
 * passes on {@code mx}, the HELO name passes on {@code a}). Clients ({@link SmtpLoadClient}) send
 * one 4 KB message per connection over raw sockets with {@code TCP_NODELAY}, in a closed loop
 * ({@link ClosedLoopLoad}).
 *
 * <p>Phases, each bounded in time: gateway and sink warm-up at 50 → three rounds of (gateway at
 * 50, sink at 50, gateway at 10, sink at 10), so that each pair sees the same machine load; the
 * table gives the round with the median ratio → sink at 1 → gateway at 1 → 10,000 idle sessions
 * on the gateway (RSS, {@code spfgate_sessions_active}, and one message sent through while they
 * are open). Then the decision log is checked: every relayed message must show {@code spf=pass}.
 * Prints a table and exits (status 1 if a phase failed or a check did not hold).
 *
 * <p>Run from the repository root (about three minutes; needs Debian's {@code postfix} package for
 * {@code /usr/sbin/smtp-sink}, and {@code ulimit -n} 1,000 above the idle sessions):
 * <pre>
 * bin/with-jdk21 mvn -q -B -ntp package -DskipTests
 * bin/with-jdk21 mvn -q -B -ntp -f gateway/pom.xml exec:exec -Dexec.executable=java \
 *     -Dexec.classpathScope=test -Dexec.args="-cp %classpath org.spfgate.bench.load.LoadGenerator"
 * </pre>
 * Options, as {@code -D} before {@code -cp} inside {@code exec.args}: {@code load.seconds} (10,
 * each measured phase), {@code load.warmupSeconds} (10), {@code load.concurrencies} ("50,10"),
 * {@code load.concurrency} (replaces the first of them), {@code load.rounds} (3),
 * {@code load.idleSessions} (10000), {@code load.gatewayJvm} (JVM options for a plain
 * {@code java -jar} of the gateway, space separated, e.g. {@code "-Xmx256m"}; default: none, and
 * {@code bin/spfgate} starts it with the shipped ones), {@code load.jar} (default {@code gateway/target/spfgate.jar}
 * or {@code target/spfgate.jar}, whichever exists).
 */
public final class LoadGenerator {

    private static final long MB = 1_000_000;

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("load.seconds", 10);
        int warmupSeconds = Integer.getInteger("load.warmupSeconds", 10);
        // docs/contract.md §8 names 10 and 50 sessions; load.concurrency (the old single option)
        // replaces the first of them.
        List<Integer> concurrencies = new ArrayList<>(Arrays.stream(System.getProperty("load.concurrencies", "50,10")
                .split(",")).map(String::trim).map(Integer::valueOf).toList());
        concurrencies.set(0, Integer.getInteger("load.concurrency", concurrencies.get(0)));
        int rounds = Math.max(1, Integer.getInteger("load.rounds", 3));
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

            phase("gateway warm-up, " + concurrencies.get(0) + " clients", warmupSeconds);
            report(ClosedLoopLoad.run(viaGateway, concurrencies.get(0), warmup, gatewayStatus));
            phase("sink warm-up, " + concurrencies.get(0) + " clients", 3);
            report(ClosedLoopLoad.run(direct, concurrencies.get(0), Duration.ofSeconds(3), sinkStatus));
            // Gateway and sink alternate at each concurrency, round after round, so that both see
            // the same machine: the targets are ratios of the two.
            List<Comparison> comparisons = new ArrayList<>();
            int dnsBefore = dns.totalQueryCount();
            for (int round = 1; round <= rounds; round++) {
                for (int c : concurrencies) {
                    String of = rounds > 1 ? " (round " + round + " of " + rounds + ")" : "";
                    phase("gateway, " + c + " clients" + of, seconds);
                    ClosedLoopLoad.Result g = report(ClosedLoopLoad.run(viaGateway, c, measure, gatewayStatus));
                    phase("sink directly, " + c + " clients" + of, seconds);
                    ClosedLoopLoad.Result s = report(ClosedLoopLoad.run(direct, c, measure, sinkStatus));
                    comparisons.add(new Comparison(c, g, s));
                }
            }
            int dnsQueries = dns.totalQueryCount() - dnsBefore;

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
            ok &= gateway1.failures() == 0 && sink1.failures() == 0;
            for (Comparison c : comparisons) {
                ok &= c.gateway().failures() == 0 && c.sink().failures() == 0;
            }

            System.out.println();
            System.out.println(table(concurrencies, comparisons, gateway1, sink1, dnsQueries, startRss, idleSessions,
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

    /** The gateway and the sink at one concurrency, measured one after the other. */
    private record Comparison(int concurrency, ClosedLoopLoad.Result gateway, ClosedLoopLoad.Result sink) {

        double ratio() {
            return gateway.messagesPerSecond() / sink.messagesPerSecond();
        }
    }

    /** The round with the median ratio at {@code concurrency} (the only round when there is one). */
    private static Comparison median(List<Comparison> all, int concurrency) {
        List<Comparison> at = all.stream().filter(c -> c.concurrency() == concurrency)
                .sorted(Comparator.comparingDouble(Comparison::ratio)).toList();
        return at.get(at.size() / 2);
    }

    private static String table(List<Integer> concurrencies, List<Comparison> comparisons,
            ClosedLoopLoad.Result gateway1, ClosedLoopLoad.Result sink1, int dnsQueries, long startRss, int idleSessions,
            IdleResult idle, long peakRss) {
        StringBuilder t = new StringBuilder();
        t.append("| measurement | gateway | smtp-sink directly | target (docs/contract.md §8) |\n");
        t.append("| --- | --- | --- | --- |\n");
        int busiest = concurrencies.stream().max(Integer::compare).orElseThrow();
        for (int c : concurrencies) {
            Comparison m = median(comparisons, c);
            String ratios = comparisons.stream().filter(x -> x.concurrency() == c)
                    .map(x -> f2(x.ratio()) + "×").reduce((a, b) -> a + ", " + b).orElse("");
            boolean several = ratios.contains(",");
            row(t, "messages/s, " + c + " concurrent sessions" + (several ? " (median round)" : ""),
                    f0(m.gateway().messagesPerSecond()), f0(m.sink().messagesPerSecond()),
                    "≥ 0.7× the sink: here " + f2(m.ratio()) + "×" + (several ? " (rounds: " + ratios + ")" : ""));
            row(t, "latency at " + c + ", median / p99 (ms)", ms(m.gateway()), ms(m.sink()), "");
            row(t, "server CPU per message at " + c + " (ms, both cores)",
                    f2(m.gateway().serverCpuMillisPerMessage()), f2(m.sink().serverCpuMillisPerMessage()),
                    "gateway ≤ 0.35 ms");
            row(t, "whole machine CPU per message at " + c + " (ms: server, internal server, load generator, kernel)",
                    f2(m.gateway().machineCpuMillisPerMessage()), f2(m.sink().machineCpuMillisPerMessage()), "");
            row(t, "load generator CPU per message at " + c + " (ms)",
                    f2(m.gateway().loadGeneratorCpuMillisPerMessage()), f2(m.sink().loadGeneratorCpuMillisPerMessage()), "");
            row(t, "context switches per message at " + c + " (server / load generator / whole machine)",
                    m.gateway().switchesPerMessage(), m.sink().switchesPerMessage(), "");
        }
        row(t, "latency at 1, median / p99 (ms)", ms(gateway1), ms(sink1),
                "median ≤ the sink's + 0.3 ms: here +"
                        + f2(gateway1.latencies().medianMillis() - sink1.latencies().medianMillis()) + " ms");
        row(t, "messages/s, 1 session", f0(gateway1.messagesPerSecond()), f0(sink1.messagesPerSecond()), "");
        row(t, "gateway RSS after start (MB)", Long.toString(startRss / MB), "", "");
        long busyRss = comparisons.stream().filter(x -> x.concurrency() == busiest)
                .mapToLong(x -> x.gateway().serverMaxRssBytes()).max().orElse(-1);
        row(t, "gateway RSS at " + busiest + " sessions, max sampled (MB)", Long.toString(busyRss / MB), "",
                "≤ 150 MB");
        row(t, "gateway RSS with " + idleSessions + " idle sessions (MB)", idle.rssBytes() / MB + " (" + idle.opened()
                + " open, " + idle.active() + " in spfgate_sessions_active)", "", "< 1 GiB (1,074 MB)");
        row(t, "live heap per idle session (KB)", idle.heapBytesPerSession() < 0 ? "?"
                : f1(idle.heapBytesPerSession() / 1000.0), "", "");
        row(t, "gateway peak RSS, whole run (MB)", Long.toString(peakRss / MB), "", "");
        row(t, "one message while " + idleSessions + " sessions idle (ms)", f1(idle.throughMs()), "", "");
        row(t, "DNS queries reaching the DNS server while measuring at " + concurrencies,
                Integer.toString(dnsQueries), "", "");
        long gatewayFailures = comparisons.stream().mapToLong(x -> x.gateway().failures()).sum();
        long sinkFailures = comparisons.stream().mapToLong(x -> x.sink().failures()).sum();
        row(t, "failed transactions (at " + concurrencies + " / at 1)", gatewayFailures + " / " + gateway1.failures(),
                sinkFailures + " / " + sink1.failures(), "0");
        Comparison last = comparisons.get(comparisons.size() - 1);
        row(t, "load average (1/5/15 min) at the end of the last phases at " + last.concurrency(),
                last.gateway().loadAverage(), last.sink().loadAverage(), "");
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
                + " server CPU %.2f ms/message (machine %.2f, load generator %.2f); context switches per message %s;"
                + " server max RSS %d MB; %d failed %s%n",
                r.messages(), r.seconds(), r.messagesPerSecond(), r.latencies().medianMillis(),
                r.latencies().percentileMillis(99), r.serverCpuMillisPerMessage(), r.machineCpuMillisPerMessage(),
                r.loadGeneratorCpuMillisPerMessage(), r.switchesPerMessage(), r.serverMaxRssBytes() / MB,
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
