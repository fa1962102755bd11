package org.spfgate.bench;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.IntConsumer;
import org.apache.james.jspf.impl.SPF;
import org.spfgate.spf.SpfChecker;
import org.spfgate.spf.suite.InMemoryZoneDns;

/**
 * The {@link SpfBench} comparison as alternating rounds, for a machine shared with other work:
 * each round runs our checker and then jSPF for the same short slice of time, so both see the
 * same background load, and the ratio is taken per round (the median is reported). Same zone,
 * same cases, same jSPF wiring as {@link SpfBench}; JMH remains the reference for absolute
 * numbers.
 *
 * <p>Run (from the repository root, about 20 seconds):
 * <pre>
 * export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
 * mvn -q -B -f gateway/pom.xml test-compile
 * mvn -q -B -f gateway/pom.xml org.codehaus.mojo:exec-maven-plugin:3.5.0:exec -Dexec.executable="$JAVA_HOME/bin/java" -Dexec.classpathScope=test \
 *     -Dexec.args="-Dorg.slf4j.simpleLogger.log.org.apache.james.jspf=warn -cp %classpath org.spfgate.bench.SpfBenchRounds"
 * </pre>
 */
public final class SpfBenchRounds {

    private static final int ROUNDS = 10;
    private static final long SLICE_NANOS = Duration.ofMillis(500).toNanos();

    private static volatile Object sink;

    private SpfBenchRounds() {
    }

    public static void main(String[] args) throws Exception {
        InMemoryZoneDns zone = new InMemoryZoneDns(BenchZone.zone());
        SpfChecker ours = new SpfChecker(zone, "mx.example.org", Duration.ofSeconds(20));
        SPF jspf = SpfBench.synchronousJspf(new JspfZoneDns(zone));
        int n = BenchZone.CASES.size();
        InetAddress[] ips = new InetAddress[n];
        for (int i = 0; i < n; i++) {
            ips[i] = InetAddress.getByName(BenchZone.CASES.get(i).ip());
        }
        IntConsumer oursCheck = i -> {
            BenchZone.Case c = BenchZone.CASES.get(i);
            sink = ours.checkMailFrom(ips[i], c.mailFrom(), c.helo());
        };
        IntConsumer jspfCheck = i -> {
            BenchZone.Case c = BenchZone.CASES.get(i);
            sink = jspf.checkSPF(c.ip(), c.mailFrom(), c.helo()).getResult();
        };
        // Warm-up: ten slices each (jSPF needs about five seconds of JIT), not reported.
        for (int w = 0; w < 10; w++) {
            rate(oursCheck, n);
            rate(jspfCheck, n);
        }
        double[] ratios = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            double a = rate(oursCheck, n);
            double b = rate(jspfCheck, n);
            ratios[r] = a / b;
            System.out.printf("round %2d: spfgate %,12.0f checks/s   jSPF %,10.0f checks/s   ratio %6.1f%n",
                    r + 1, a, b, ratios[r]);
        }
        Arrays.sort(ratios);
        System.out.printf("median ratio spfgate/jSPF: %.1f (min %.1f, max %.1f)%n",
                (ratios[ROUNDS / 2 - 1] + ratios[ROUNDS / 2]) / 2, ratios[0], ratios[ROUNDS - 1]);
    }

    /** Checks per second over one slice, cycling through the cases. */
    private static double rate(IntConsumer check, int cases) {
        long start = System.nanoTime();
        long end = start + SLICE_NANOS;
        long count = 0;
        long now;
        int i = 0;
        do {
            for (int k = 0; k < 64; k++) {
                check.accept(i);
                i = i + 1 == cases ? 0 : i + 1;
            }
            count += 64;
            now = System.nanoTime();
        } while (now < end);
        return count * 1e9 / (now - start);
    }
}
