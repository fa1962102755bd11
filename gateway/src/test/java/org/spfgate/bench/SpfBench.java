package org.spfgate.bench;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.james.jspf.core.DNSServiceEnabled;
import org.apache.james.jspf.core.MacroExpand;
import org.apache.james.jspf.core.MacroExpandEnabled;
import org.apache.james.jspf.core.SPFCheckEnabled;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.impl.SPF;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.apache.james.jspf.wiring.WiringServiceTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.spfgate.spf.SpfChecker;
import org.spfgate.spf.SpfVerdict;
import org.spfgate.spf.suite.InMemoryZoneDns;

/**
 * SPF checks per second: our {@link SpfChecker} against Apache jSPF 1.0.4, side by side in the
 * same JVM, on the same zone ({@link BenchZone}: mx, a, an include chain of ip4/ip6 lists) served
 * from the same in-memory answers (a warm cache: no DNS time in either number). Each benchmark
 * invocation is one whole check; the seven {@link BenchZone#CASES} are taken in turn.
 *
 * <p>jSPF is given its fastest configuration: the {@link SynchronousSPFExecutor} (its default
 * executor hands every DNS step to other threads) wired as its own {@code SPF(DNSService)}
 * constructor does, and a {@code DNSService} over the zone (so dnsjava plays no part; jSPF 1.0.4
 * is built on dnsjava 3 anyway), with its INFO logging (one line per matched directive) turned
 * off. Before measuring, both engines must agree with the expected result of every case.
 *
 * <p>Run (from the repository root, a few seconds per fork):
 * <pre>
 * export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
 * mvn -q -B -f gateway/pom.xml test-compile
 * mvn -q -B -f gateway/pom.xml org.codehaus.mojo:exec-maven-plugin:3.5.0:exec -Dexec.executable="$JAVA_HOME/bin/java" \
 *     -Dexec.classpathScope=test -Dexec.args="-cp %classpath org.openjdk.jmh.Main SpfBench"
 * </pre>
 * Extra JMH options go after {@code SpfBench}, e.g. {@code -t 2} for two threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// jSPF needs about five seconds of JIT warm-up before its rate settles.
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 3, time = 1)
// jSPF logs every matching directive at INFO: that is output, not SPF work, so it is silenced.
@Fork(value = 1, jvmArgsAppend = {"-Dorg.slf4j.simpleLogger.log.org.apache.james.jspf=warn"})
@Threads(1)
public class SpfBench {

    private SpfChecker ours;
    private SPF jspf;
    private InetAddress[] ips;

    /** Which case a thread runs next. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int advance() {
            int i = next;
            next = i + 1 == BenchZone.CASES.size() ? 0 : i + 1;
            return i;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        InMemoryZoneDns zone = new InMemoryZoneDns(BenchZone.zone());
        ours = new SpfChecker(zone, "mx.example.org", Duration.ofSeconds(20));
        jspf = synchronousJspf(new JspfZoneDns(zone));
        ips = new InetAddress[BenchZone.CASES.size()];
        for (int i = 0; i < ips.length; i++) {
            BenchZone.Case c = BenchZone.CASES.get(i);
            ips[i] = InetAddress.getByName(c.ip());
            String mine = ours.checkMailFrom(ips[i], c.mailFrom(), c.helo()).result().token();
            String theirs = jspf.checkSPF(c.ip(), c.mailFrom(), c.helo()).getResult();
            if (!mine.equals(c.expected()) || !theirs.equals(c.expected())) {
                throw new IllegalStateException("case " + c + ": ours " + mine + ", jSPF " + theirs);
            }
        }
    }

    /** jSPF wired as {@code new SPF(dns)} does, but with its synchronous executor. */
    static SPF synchronousJspf(JspfZoneDns dns) {
        WiringServiceTable wiring = new WiringServiceTable();
        wiring.put(DNSServiceEnabled.class, dns);
        MacroExpand macroExpand = new MacroExpand(dns);
        wiring.put(MacroExpandEnabled.class, macroExpand);
        RFC4408SPF1Parser parser = new RFC4408SPF1Parser(new DefaultTermsFactory(wiring));
        SPF spf = new SPF(dns, parser, macroExpand, new SynchronousSPFExecutor(dns));
        wiring.put(SPFCheckEnabled.class, spf);
        return spf;
    }

    @Benchmark
    public SpfVerdict spfgate(Cursor cursor) {
        int i = cursor.advance();
        BenchZone.Case c = BenchZone.CASES.get(i);
        return ours.checkMailFrom(ips[i], c.mailFrom(), c.helo());
    }

    @Benchmark
    public String jspf(Cursor cursor) {
        BenchZone.Case c = BenchZone.CASES.get(cursor.advance());
        return jspf.checkSPF(c.ip(), c.mailFrom(), c.helo()).getResult();
    }
}
