package org.spfgate.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * What Linux's {@code /proc/<pid>} says about a child process: resident memory ({@code VmRSS},
 * its peak {@code VmHWM}), CPU time used ({@code utime + stime} of {@code stat}) and context switches.
 */
final class ProcStatus {

    /** {@code sysconf(_SC_CLK_TCK)}: 100 on every Linux the JDK runs on (x86-64, arm64). */
    private static final long TICKS_PER_SECOND = 100;

    private final long pid;

    ProcStatus(long pid) {
        this.pid = pid;
    }

    /** Resident set size now, in bytes. */
    long rssBytes() throws IOException {
        return statusKilobytes("VmRSS:") * 1024;
    }

    /** File descriptors the process has open now (entries of {@code /proc/<pid>/fd}). */
    long openFiles() throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    /** The peak resident set size since the process started, in bytes. */
    long peakRssBytes() throws IOException {
        return statusKilobytes("VmHWM:") * 1024;
    }

    /** User plus system CPU time consumed so far, in seconds. */
    double cpuSeconds() throws IOException {
        return cpuSecondsOf(Long.toString(pid));
    }

    /** This process's (the load generator's) CPU time so far, in seconds. */
    static double ownCpuSeconds() throws IOException {
        return cpuSecondsOf("self");
    }

    /**
     * CPU time the whole machine has spent busy so far, every process and the kernel's interrupt
     * work together, in seconds: the first line of {@code /proc/stat} less its idle and iowait.
     */
    static double machineBusySeconds() throws IOException {
        String first = Files.readAllLines(Path.of("/proc/stat")).getFirst();
        String[] ticks = first.trim().split("\\s+");
        long busy = 0;
        // cpu user nice system idle iowait irq softirq steal (guest time is already in user)
        for (int i = 1; i <= 8 && i < ticks.length; i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(ticks[i]);
            }
        }
        return busy / (double) TICKS_PER_SECOND;
    }

    /**
     * Context switches of the process's threads alive now, voluntary (a thread blocked: a read
     * with nothing to read, a parked carrier, a poller's wait) and not (preempted), summed over
     * {@code /proc/<pid>/task/*}/status; the switches of threads that have ended are not counted.
     */
    long contextSwitches() throws IOException {
        return contextSwitchesOf(Long.toString(pid));
    }

    /** The same for this process, the load generator. */
    static long ownContextSwitches() throws IOException {
        return contextSwitchesOf("self");
    }

    /** Context switches on the whole machine so far ({@code ctxt} of {@code /proc/stat}). */
    static long machineContextSwitches() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
            if (line.startsWith("ctxt ")) {
                return Long.parseLong(line.substring(5).trim());
            }
        }
        throw new IOException("no ctxt in /proc/stat");
    }

    private static long contextSwitchesOf(String process) throws IOException {
        long switches = 0;
        try (var tasks = Files.list(Path.of("/proc", process, "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                List<String> lines;
                try {
                    lines = Files.readAllLines(task.resolve("status"));
                } catch (NoSuchFileException ended) {
                    continue; // the thread ended meanwhile
                }
                for (String line : lines) {
                    if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                        switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
            }
        }
        return switches;
    }

    private static double cpuSecondsOf(String process) throws IOException {
        String stat = Files.readString(Path.of("/proc", process, "stat"));
        // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(after[11]); // field 14
        long stime = Long.parseLong(after[12]); // field 15
        return (utime + stime) / (double) TICKS_PER_SECOND;
    }

    private long statusKilobytes(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no " + key + " in /proc/" + pid + "/status");
    }

    /**
     * This process's limit on open files ({@code Max open files} of {@code /proc/self/limits}, the
     * soft limit, which the JVM raises to the hard limit at start), or -1 if unknown.
     */
    static long openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or an unexpected format: no check
        }
        return -1;
    }

    /** The machine's load average over 1, 5 and 15 minutes, as {@code /proc/loadavg} gives it. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
