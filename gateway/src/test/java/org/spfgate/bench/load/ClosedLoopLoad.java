package org.spfgate.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed-loop load: {@code concurrency} virtual threads, each sending one message per connection
 * ({@link SmtpLoadClient#sendOne}) back to back for a fixed time. While it runs, the server's
 * resident memory is sampled every {@value #SAMPLE_MS} ms and its CPU time is taken before and
 * after. Bounded by time, by a message count per client, and by a failure count (a broken server
 * ends the phase early instead of being hammered).
 */
final class ClosedLoopLoad {

    /** What one phase measured; {@code loadAverage} is the machine's, read at its end. */
    record Result(int concurrency, double seconds, long messages, long failures, List<String> firstFailures,
            Latencies latencies, double serverCpuSeconds, long serverMaxRssBytes, String loadAverage,
            double loadGeneratorCpuSeconds, double machineBusySeconds, Switches switches) {

        /** Context switches during the phase: the server's threads, the load generator's, the machine's. */
        record Switches(long server, long loadGenerator, long machine) {
        }

        /** Context switches per message: server, load generator, whole machine. */
        String switchesPerMessage() {
            return messages == 0 ? "?" : String.format(Locale.ROOT, "%.1f / %.1f / %.1f",
                    switches.server() / (double) messages, switches.loadGenerator() / (double) messages,
                    switches.machine() / (double) messages);
        }

        double messagesPerSecond() {
            return messages / seconds;
        }

        /** Server CPU milliseconds per message (all cores together). */
        double serverCpuMillisPerMessage() {
            return perMessage(serverCpuSeconds);
        }

        /** The load generator's own CPU milliseconds per message. */
        double loadGeneratorCpuMillisPerMessage() {
            return perMessage(loadGeneratorCpuSeconds);
        }

        /**
         * The whole machine's busy CPU milliseconds per message: server, internal server, load
         * generator and kernel together. When the cores are saturated, messages/s is about the
         * cores' time divided by this, so the ratio of two runs is the inverse ratio of this figure.
         */
        double machineCpuMillisPerMessage() {
            return perMessage(machineBusySeconds);
        }

        private double perMessage(double cpuSeconds) {
            return messages == 0 ? Double.NaN : cpuSeconds * 1000 / messages;
        }
    }

    private static final int SAMPLE_MS = 250;
    private static final int MAX_MESSAGES_PER_CLIENT = 1_000_000;
    private static final int MAX_FAILURES = 200;
    private static final int LATENCIES_PER_CLIENT = 200_000;

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private ClosedLoopLoad() {
    }

    static Result run(InetSocketAddress server, int concurrency, Duration duration, ProcStatus serverProcess)
            throws IOException, InterruptedException {
        LongAdder messages = new LongAdder();
        LongAdder failures = new LongAdder();
        AtomicBoolean broken = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failureTexts = new ConcurrentLinkedQueue<>();
        long[][] samples = new long[concurrency][];
        int[] sampleCounts = new int[concurrency];
        double cpuBefore = serverProcess.cpuSeconds();
        double ownCpuBefore = ProcStatus.ownCpuSeconds();
        double machineBefore = ProcStatus.machineBusySeconds();
        long switchesBefore = serverProcess.contextSwitches();
        long ownSwitchesBefore = ProcStatus.ownContextSwitches();
        long machineSwitchesBefore = ProcStatus.machineContextSwitches();
        long maxRss = serverProcess.rssBytes();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
        for (int c = 0; c < concurrency; c++) {
            int client = c;
            clients.execute(() -> {
                long[] mine = new long[LATENCIES_PER_CLIENT];
                int count = 0;
                for (int i = 0; i < MAX_MESSAGES_PER_CLIENT && System.nanoTime() < end && !broken.get(); i++) {
                    try {
                        long nanos = SmtpLoadClient.sendOne(server, SEQUENCE.getAndIncrement());
                        messages.increment();
                        if (count < mine.length) {
                            mine[count++] = nanos;
                        }
                    } catch (IOException | RuntimeException e) {
                        failures.increment();
                        if (failureTexts.size() < 5) {
                            failureTexts.add(e.toString());
                        }
                        if (failures.sum() >= MAX_FAILURES) {
                            broken.set(true);
                        }
                        LoopbackPort.sleep(Duration.ofMillis(10)); // no hot loop against a failing server
                    }
                }
                samples[client] = mine;
                sampleCounts[client] = count;
            });
        }
        clients.shutdown();
        // Sample the server's memory while the clients run; bounded by the phase and a grace period.
        long giveUp = end + TimeUnit.SECONDS.toNanos(60);
        while (!clients.awaitTermination(SAMPLE_MS, TimeUnit.MILLISECONDS) && System.nanoTime() < giveUp) {
            maxRss = Math.max(maxRss, serverProcess.rssBytes());
        }
        if (!clients.isTerminated()) {
            clients.shutdownNow();
            failureTexts.add("clients still busy 60 s after the end of the phase: abandoned");
            failures.increment();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = serverProcess.cpuSeconds() - cpuBefore;
        double ownCpu = ProcStatus.ownCpuSeconds() - ownCpuBefore;
        double machine = ProcStatus.machineBusySeconds() - machineBefore;
        Result.Switches switches = new Result.Switches(serverProcess.contextSwitches() - switchesBefore,
                ProcStatus.ownContextSwitches() - ownSwitchesBefore,
                ProcStatus.machineContextSwitches() - machineSwitchesBefore);
        maxRss = Math.max(maxRss, serverProcess.rssBytes());
        List<long[]> parts = new ArrayList<>();
        int total = 0;
        for (int c = 0; c < concurrency; c++) {
            if (samples[c] != null) {
                parts.add(Arrays.copyOf(samples[c], sampleCounts[c]));
                total += sampleCounts[c];
            }
        }
        long[] all = new long[total];
        int at = 0;
        for (long[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return new Result(concurrency, seconds, messages.sum(), failures.sum(), List.copyOf(failureTexts),
                new Latencies(all), cpu, maxRss, ProcStatus.loadAverage(), ownCpu, machine, switches);
    }
}
