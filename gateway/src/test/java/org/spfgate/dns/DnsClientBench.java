package org.spfgate.dns;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.spfgate.spf.DnsAnswer;
import org.spfgate.spf.SpfChecker;
import org.spfgate.spf.SpfResult;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;
import org.xbill.DNS.Cache;
import org.xbill.DNS.Name;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;

/**
 * What a DNS answer costs the SPF path, against a {@link TestDnsServer} on loopback:
 * <ul>
 *   <li>{@code warmTxt}: {@link SpfDnsClient#txt} answered from its cache (the common case);</li>
 *   <li>{@code warmLookupSessionTxt}: the same from dnsjava's own {@link LookupSession} + {@link
 *       Cache}, the alternative this client's answer cache was chosen over;</li>
 *   <li>{@code uncachedTxt}: one UDP round trip to the loopback server (cache disabled);</li>
 *   <li>{@code spfCheckWarm}: a whole {@link SpfChecker} check (mx, a, two includes, ip4 lists)
 *       whose DNS is this client with a warm cache.</li>
 * </ul>
 *
 * <p>Run (from the repository root):
 * <pre>
 * export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
 * mvn -q -B -f gateway/pom.xml test-compile
 * mvn -q -B -f gateway/pom.xml exec:exec -Dexec.executable="$JAVA_HOME/bin/java" \
 *     -Dexec.classpathScope=test -Dexec.args="-cp %classpath org.openjdk.jmh.Main DnsClientBench"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Ddnsjava.nio.selector_timeout=50")
@Threads(1)
public class DnsClientBench {

    private static final List<String> NAMES = List.of("example.com", "_spf.example.com",
            "_netblocks.example.com", "_spf.esp.example.net");

    private TestDnsServer server;
    private SpfDnsClient warm;
    private SpfDnsClient uncached;
    private LookupSession session;
    private SpfChecker checker;
    private InetAddress[] clients;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        TestZone zone = new TestZone().ttl(3600)
                .txt("example.com", "v=spf1 mx a:mail.example.com include:_spf.example.com "
                        + "include:_spf.esp.example.net ~all")
                .mx("example.com", 10, "mx1.example.com").mx("example.com", 20, "mx2.example.com")
                .a("mx1.example.com", "192.0.2.24").a("mx2.example.com", "192.0.2.25")
                .a("mail.example.com", "192.0.2.40", "192.0.2.41")
                .txt("_spf.example.com", "v=spf1 ip4:198.51.100.0/25 ip4:203.0.113.10 ip4:203.0.113.11 "
                        + "ip6:2001:db8:40::/48 include:_netblocks.example.com -all")
                .txt("_netblocks.example.com", "v=spf1 ip4:10.1.0.0/16 ip4:10.2.0.0/16 ip4:10.42.0.0/16 -all")
                .txt("_spf.esp.example.net", "v=spf1 ip4:172.16.0.0/20 ip4:203.0.113.128/25 -all");
        server = TestDnsServer.start(zone);
        warm = new SpfDnsClient(List.of(server.address()), Duration.ofSeconds(2));
        uncached = new SpfDnsClient(List.of(server.address()), Duration.ofSeconds(2), 0, DnsQueryListener.NONE);
        SimpleResolver resolver = new SimpleResolver(server.address());
        session = LookupSession.builder().resolver(resolver).cache(new Cache()).build();
        checker = new SpfChecker(warm, "mx.example.org", Duration.ofSeconds(20));
        clients = new InetAddress[] {InetAddress.getByName("192.0.2.25"), InetAddress.getByName("10.42.7.9"),
                InetAddress.getByName("203.0.113.200"), InetAddress.getByName("100.64.3.3")};
        for (String name : NAMES) {
            require(warm.txt(name).status() == DnsAnswer.Status.FOUND, name);
            LookupResult r = session.lookupAsync(Name.fromString(name + "."), Type.TXT)
                    .toCompletableFuture().get();
            require(!r.getRecords().isEmpty(), name);
        }
        for (InetAddress ip : clients) {
            SpfResult result = checker.checkMailFrom(ip, "bob@example.com", "mail.example.org").result();
            require(result == (ip.getHostAddress().equals("100.64.3.3") ? SpfResult.SOFTFAIL : SpfResult.PASS),
                    ip + " " + result);
        }
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("benchmark zone broken: " + what);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
    }

    private int advance(int size) {
        int i = next;
        next = i + 1 == size ? 0 : i + 1;
        return i;
    }

    @Benchmark
    public DnsAnswer<String> warmTxt() {
        return warm.txt(NAMES.get(advance(NAMES.size())));
    }

    @Benchmark
    public LookupResult warmLookupSessionTxt() throws Exception {
        return session.lookupAsync(Name.fromString(NAMES.get(advance(NAMES.size())) + "."), Type.TXT)
                .toCompletableFuture().get();
    }

    @Benchmark
    public DnsAnswer<String> uncachedTxt() {
        return uncached.txt(NAMES.get(advance(NAMES.size())));
    }

    @Benchmark
    public SpfResult spfCheckWarm() {
        return checker.checkMailFrom(clients[advance(clients.length)], "bob@example.com", "mail.example.org").result();
    }
}
