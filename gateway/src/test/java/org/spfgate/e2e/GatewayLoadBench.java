package org.spfgate.e2e;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.spfgate.config.ConfigLoader;
import org.spfgate.listener.Gateway;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;

/**
 * A load benchmark of the whole gateway (SPEC section 8), not a test: Postfix's smtp-source sends
 * 4 KB messages, one per connection, through spfgate (SPF evaluated against the loopback test DNS
 * server: an include chain, ip4 lists) to Postfix's smtp-sink as the internal server, and the
 * same load straight to the sink as the baseline. Prints messages per second for each.
 *
 * <pre>
 * mvn -q -f gateway/pom.xml test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp gateway/target/test-classes:gateway/target/classes:$(cat /tmp/cp.txt) \
 *      org.spfgate.e2e.GatewayLoadBench [messages] [sessions]
 * </pre>
 * Needs smtp-source and smtp-sink (Debian package postfix).
 */
public final class GatewayLoadBench {

    private GatewayLoadBench() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int sinkPort = freePort();
        Process sink = new ProcessBuilder("/usr/sbin/smtp-sink", "-u", "nobody", "127.0.0.1:" + sinkPort, "1024")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Path log = Files.createTempFile("spfgate-bench", ".log");
        TestZone zone = new TestZone()
                .txt("sender.test", "v=spf1 ip4:192.0.2.0/24 include:_spf.sender.test -all")
                .txt("_spf.sender.test", "v=spf1 ip4:198.51.100.0/24 ip4:127.0.0.0/8 -all")
                .txt("mail.sender.test", "v=spf1 a -all")
                .a("mail.sender.test", "127.0.0.1");
        try (TestDnsServer dns = TestDnsServer.start(zone)) {
            awaitListening(sinkPort);
            int gatewayPort = freePort();
            try (Gateway gateway = Gateway.start(ConfigLoader.parse("""
                    server:
                      hostname: mx.ours.test
                      listen: ["127.0.0.1:%d"]
                      max_connections_per_ip: 2000
                    domains: [ours.test]
                    relay: { host: 127.0.0.1, port: %d, tls: none, connections: %d }
                    dns: { servers: ["127.0.0.1:%d"], query_timeout: 1s }
                    metrics: { listen: null }
                    log: { file: "%s" }
                    """.formatted(gatewayPort, sinkPort, Math.max(sessions, 1), dns.port(), log), "bench"))) {
                // warm-up, then the runs
                source(gatewayPort, Math.min(2000, messages), sessions);
                double direct = source(sinkPort, messages, sessions);
                double through = source(gatewayPort, messages, sessions);
                System.out.printf("sessions=%d messages=%d sink-direct=%.0f msg/s through-spfgate=%.0f msg/s%n",
                        sessions, messages, direct, through);
                System.out.printf("decision log lines: %d%n", Files.readAllLines(log).size());
                // resident memory of this JVM (gateway, test DNS server, benchmark driver): peak and now
                Files.readAllLines(Path.of("/proc/self/status")).stream()
                        .filter(l -> l.startsWith("VmHWM") || l.startsWith("VmRSS")).forEach(System.out::println);
            }
        } finally {
            sink.destroy();
            sink.waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    /** Runs smtp-source: 4 KB messages, one per connection; returns messages per second. */
    private static double source(int port, int messages, int sessions) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(List.of("/usr/sbin/smtp-source", "-l", "4096", "-m", Integer.toString(messages),
                "-s", Integer.toString(sessions), "-M", "mail.sender.test", "-f", "alice@sender.test",
                "-t", "bob@ours.test", "127.0.0.1:" + port))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        int exit = p.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (exit != 0 || !output.isBlank()) {
            System.out.println("smtp-source exit " + exit + ": " + output.strip());
        }
        return messages / seconds;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitListening(int port) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (Exception notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("smtp-sink did not start");
    }
}
