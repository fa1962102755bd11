package org.spfgate.relay;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.spfgate.config.RelayConfig;

/**
 * Messages per second through {@link SmtpDownstream} into Postfix's {@code smtp-sink} (a fast
 * SMTP sink from Debian's postfix package, started here on a loopback port): one whole
 * transaction per invocation — MAIL, one RCPT, DATA with a 4 KB message (docs/contract.md §8) and our
 * headers, the final reply — on pooled connections ({@code pool=true}) or a new connection per
 * message ({@code pool=false}, connections closed after use) to show what the pool is worth.
 *
 * <p>Run (from the repository root; {@code -t 1} and {@code -t 50} for the two concurrencies of docs/contract.md §8):
 * <pre>
 * export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
 * mvn -q -B -f gateway/pom.xml test-compile
 * mvn -q -B -f gateway/pom.xml exec:exec -Dexec.executable="$JAVA_HOME/bin/java" \
 *     -Dexec.classpathScope=test -Dexec.args="-cp %classpath org.openjdk.jmh.Main RelayBench -t 1"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class RelayBench {

    private static final byte[] HEADERS = ("Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=alice@example.com\r\n"
            + "Received-SPF: pass (mx.example.org: domain of alice@example.com designates 192.0.2.1 as permitted sender)"
            + " client-ip=192.0.2.1; envelope-from=\"alice@example.com\"; helo=mail.example.com; receiver=mx.example.org;"
            + " identity=mailfrom; mechanism=\"ip4:192.0.2.0/24\"\r\n"
            + "Received: from mail.example.com (mail.example.com [192.0.2.1]) by mx.example.org (spfgate) with ESMTP"
            + " id 0123456789; Mon, 23 Nov 2026 10:00:00 +0000\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE = fourKilobytes();

    @Param({"true", "false"})
    public boolean pool;

    private Process sink;
    private SmtpDownstream downstream;

    @Setup(Level.Trial)
    public void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        sink = new ProcessBuilder("smtp-sink", "-u", "nobody", "127.0.0.1:" + port, "1024")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        waitForPort(port);
        RelayConfig config = new RelayConfig("127.0.0.1", port, RelayConfig.Tls.NONE, true, 64,
                new RelayConfig.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30)));
        downstream = new SmtpDownstream(config, "mx.example.org");
    }

    @TearDown(Level.Trial)
    public void stop() {
        downstream.close();
        sink.destroy();
    }

    @Benchmark
    public Reply relayOneMessage() throws Exception {
        DownstreamTransaction t = downstream.open(new Envelope("alice@example.com", false, false, MESSAGE.length));
        try {
            t.recipient("bob@example.org");
            Reply reply = t.data(HEADERS, new ByteArrayInputStream(MESSAGE));
            if (!reply.isPositive()) {
                throw new IllegalStateException("sink refused: " + reply);
            }
            return reply;
        } finally {
            t.close();
            if (!pool) {
                downstream.dropIdleConnections();
            }
        }
    }

    private static void waitForPort(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("smtp-sink did not start (is Debian's postfix installed?)", e);
                }
                Thread.sleep(20);
            }
        }
    }

    private static byte[] fourKilobytes() {
        StringBuilder m = new StringBuilder("From: Alice <alice@example.com>\r\nTo: bob@example.org\r\n"
                + "Subject: benchmark\r\nMessage-ID: <bench@example.com>\r\n\r\n");
        while (m.length() < 4096 - 80) {
            m.append("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n");
        }
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
