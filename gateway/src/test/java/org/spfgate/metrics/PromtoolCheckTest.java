package org.spfgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.spfgate.config.HostPort;
import org.spfgate.config.TrustedEntry;
import org.spfgate.dns.DnsQueryOutcome;
import org.spfgate.dns.DnsQueryType;
import org.spfgate.spf.SpfIdentity;
import org.spfgate.spf.SpfResult;
import org.spfgate.testhost.ThirdPartyTools;

/**
 * Prometheus' own linter on the scraped text. Needs {@code promtool} (Debian package
 * {@code prometheus}): under CI ({@code CI=true}) its absence fails the test; on a developer's
 * machine the test is skipped with a message saying what to install.
 */
class PromtoolCheckTest {

    @Test
    void promtoolFindsNoProblemInTheScrapedText() throws Exception {
        File promtool = promtool().orElse(null);
        ThirdPartyTools.require(promtool != null, "promtool not found on PATH (Debian package prometheus)");
        String scrape;
        try (GatewayMetrics metrics = new GatewayMetrics(List.of(new TrustedEntry("backup-mx", List.of(), List.of())));
             MetricsServer server = MetricsServer.start(new HostPort("127.0.0.1", 0), metrics, () -> true, () -> true)) {
            // Some traffic, so histograms have filled buckets and the gauge is not zero.
            metrics.sessionStarted();
            metrics.spfChecked(SpfIdentity.MAILFROM, SpfResult.PASS, Duration.ofMillis(12));
            metrics.relayed(Duration.ofMillis(80));
            metrics.dnsQuery(DnsQueryType.TXT, DnsQueryOutcome.ANSWER, Duration.ofMillis(3));
            metrics.trustedClient("backup-mx");
            System.gc(); // so the GC pause timer is registered too
            URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics");
            scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }

        Process process = new ProcessBuilder(promtool.getPath(), "check", "metrics")
                .redirectErrorStream(true).start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(scrape.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("promtool did not finish");
        }
        assertEquals("", output, "promtool check metrics found problems");
        assertEquals(0, process.exitValue());
    }

    private static Optional<File> promtool() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, "promtool");
            if (candidate.canExecute()) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
