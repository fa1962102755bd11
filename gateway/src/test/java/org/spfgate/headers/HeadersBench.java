package org.spfgate.headers;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.spfgate.config.SpfConfig;
import org.spfgate.message.OwnAuthenticationResultsFilter;
import org.spfgate.policy.RecipientCheck;
import org.spfgate.policy.RecipientPolicy;
import org.spfgate.spf.SpfIdentity;
import org.spfgate.spf.SpfResult;
import org.spfgate.spf.SpfVerdict;

/**
 * What the policy and header stages cost per message (docs/contract.md §8 budgets about 0.7 ms of CPU
 * per message for everything at 1,500 messages/s on 2 cores): the RCPT check, the prepended
 * block, and streaming a 4 KB message through the forged-A-R filter. A benchmark, never a test.
 *
 * <p>Run (from the repository root):
 * <pre>
 * export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
 * mvn -q -B -f gateway/pom.xml test-compile
 * mvn -q -B -f gateway/pom.xml exec:exec -Dexec.executable="$JAVA_HOME/bin/java" \
 *     -Dexec.classpathScope=test -Dexec.args="-cp %classpath org.openjdk.jmh.Main HeadersBench"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(1)
public class HeadersBench {

    private RecipientPolicy recipients;
    private TraceHeaders traceHeaders;
    private SmtpTrace trace;
    private SpfVerdict mailFrom;
    private SpfVerdict helo;
    private byte[] message;
    private final byte[] buffer = new byte[8192];

    @Setup
    public void setUp() throws Exception {
        recipients = new RecipientPolicy(List.of("example.org", "example.net"));
        traceHeaders = new TraceHeaders("mx.example.org", new SpfConfig.Headers(true, true));
        InetAddress ip = InetAddress.getByName("192.0.2.1");
        trace = new SmtpTrace("mail.example.com", ip, SmtpTrace.Protocol.ESMTPS, "20ETK1S775T",
                List.of("bob@example.org"), ZonedDateTime.of(2026, 11, 23, 13, 28, 48, 0, ZoneOffset.UTC));
        mailFrom = new SpfVerdict(SpfResult.PASS, SpfIdentity.MAILFROM, ip, "alice@example.com", "example.com",
                "mail.example.com", "", "include:_spf.example.com", 3);
        helo = new SpfVerdict(SpfResult.PASS, SpfIdentity.HELO, ip, "postmaster@mail.example.com",
                "mail.example.com", "mail.example.com", "", "a", 1);
        StringBuilder m = new StringBuilder()
                .append("Received: from relay.example.com ([198.51.100.1]) by mail.example.com; Mon, 23 Nov 2026 13:28:40 +0000\r\n")
                .append("Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=forged@example.com\r\n")
                .append("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s1; c=relaxed/relaxed;\r\n")
                .append("\th=from:to:subject:date; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n")
                .append("\tb=dzdVyOfAKCdLXdJOc9G2q8LoXSlEniSbav+yuU4zGeeruD00lszZVoG4ZHRNiYzR\r\n")
                .append("From: Alice <alice@example.com>\r\nTo: Bob <bob@example.org>\r\nSubject: benchmark\r\n")
                .append("Date: Mon, 23 Nov 2026 13:28:40 +0000\r\nMessage-ID: <1@example.com>\r\n\r\n");
        while (m.length() < 4096) {
            m.append("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n");
        }
        message = m.toString().getBytes(StandardCharsets.US_ASCII);
        if (!(recipients.check("bob@example.org") instanceof RecipientCheck.Accepted)) {
            throw new IllegalStateException("setup: recipient must be accepted");
        }
    }

    @Benchmark
    public RecipientCheck recipientCheck() {
        return recipients.check("Bob.Smith+tag@Example.ORG");
    }

    @Benchmark
    public byte[] traceHeadersForACheckedMessage() {
        return traceHeaders.checked(trace, mailFrom, helo);
    }

    @Benchmark
    public long filterAFourKilobyteMessage() throws IOException {
        long total = 0;
        try (InputStream in = new OwnAuthenticationResultsFilter(new ByteArrayInputStream(message), "mx.example.org")) {
            int n;
            while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
                total += n;
            }
        }
        return total;
    }
}
