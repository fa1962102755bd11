package org.spfgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;

/**
 * The README's {@code bin/spfgate} commands, run as written from the repository root on a
 * machine whose default Java is 17. Where a command names a fixed address (the {@code check}
 * example's DNS server on port 5353, the production config's port 25 and site resolvers), only
 * that address is moved to loopback. The quick start's commands are {@code ReadmeQuickStartIT}'s.
 */
class ReadmeCommandsIT {

    /** Every command line of the README's code blocks (continuation lines joined), with its output lines. */
    private static List<List<String>> readmeBlocks() throws Exception {
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(ShippedLaunch.REPO.resolve("README.md"))) {
            if (line.startsWith("```")) {
                current = current == null ? new ArrayList<>() : null;
                if (current != null) {
                    blocks.add(current);
                }
                continue;
            }
            if (current == null) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.add((pending + line).replaceAll("\\s+", " ").strip());
            pending.setLength(0);
        }
        return blocks;
    }

    private static List<String> commands(String prefix) throws Exception {
        return readmeBlocks().stream().flatMap(List::stream)
                .map(l -> l.startsWith("$ ") ? l.substring(2) : l)
                .filter(l -> l.startsWith(prefix)).map(l -> l.replaceAll("\\s+#.*$", "")).toList();
    }

    private static ProcessBuilder asWritten(String command) {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", command).directory(ShippedLaunch.REPO.toFile());
        ShippedLaunch.freshMachine(builder.environment());
        builder.environment().put("SPFGATE_JAR", ShippedLaunch.jar().toString());
        return builder;
    }

    @Test
    void noReadmeCommandRunsTheJarWithTheMachinesJava() throws Exception {
        String readme = Files.readString(ShippedLaunch.REPO.resolve("README.md"));
        assertFalse(readme.contains("java -jar"), "java -jar fails on a machine whose java is 17: use bin/spfgate");
        assertTrue(commands("bin/spfgate ").size() >= 3, commands("bin/spfgate ").toString());
    }

    @Test
    void everyCheckExamplePrintsWhatTheReadmeShowsAndExitsWithItsStatus() throws Exception {
        List<List<String>> examples = readmeBlocks().stream()
                .filter(b -> !b.isEmpty() && b.get(0).startsWith("$ bin/spfgate check ")).toList();
        assertEquals(2, examples.size(), "the check example and the --lint example");
        try (TestDnsServer dns = TestDnsServer.start(new TestZone() // the records the README names
                .txt("example.com", "v=spf1 include:_spf.example.com mx -all")
                .txt("_spf.example.com", "v=spf1 ip4:198.51.100.0/24 -all")
                .txt("lint.example.com", "v=spf1 ip4:192.0.2.0/24 ptr include:norecord.example.com ?all"))) {
            for (List<String> block : examples) {
                String command = block.get(0).substring(2);
                int echo = block.indexOf("$ echo $?");
                List<String> shown = block.subList(1, echo < 0 ? block.size() : echo);
                int status = echo < 0 ? 0 : Integer.parseInt(block.get(echo + 1)); // pass: 0
                assertTrue(command.endsWith(" --dns 127.0.0.1:5353"), command);
                ShippedLaunch.Result result = ShippedLaunch.run(asWritten(
                        command.replace("--dns 127.0.0.1:5353", "--dns 127.0.0.1:" + dns.port())));
                assertEquals(String.join("\n", shown), result.output().strip(), command);
                assertEquals(status, result.status(), command);
            }
        }
    }

    @Test
    void theConfigCheckCommandsSayOk() throws Exception {
        List<String> checks = commands("bin/spfgate config --check ");
        assertFalse(checks.isEmpty());
        for (String command : checks) {
            ShippedLaunch.Result result = ShippedLaunch.run(asWritten(command));
            assertEquals("ok", result.output().strip(), command);
            assertEquals(0, result.status(), command);
        }
    }

    @Test
    void theRunCommandStartsTheGatewayOnTheProductionExampleAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        List<String> runs = commands("bin/spfgate run ");
        assertEquals(List.of("bin/spfgate run --config config/exchange-relay.yaml"), runs);
        try (ShippedLaunch.Peers peers = ShippedLaunch.Peers.start()) {
            Path config = peers.exchangeRelayConfig(dir);
            Path log = dir.resolve("gateway.log");
            // exec: the shell becomes the launcher, which becomes the JVM, so SIGTERM reaches spfgate
            Process gateway = asWritten("exec " + runs.get(0).replace("config/exchange-relay.yaml", config.toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                ShippedLaunch.awaitHealthy(peers.metricsPort(), gateway, log);
                assertTrue(ShippedLaunch.banner(peers.smtpPort()).startsWith("220 mx.example.org "));
                gateway.destroy();
                assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s of SIGTERM");
                assertTrue(Files.readString(log).contains("spfgate stopped"), Files.readString(log));
            } finally {
                gateway.descendants().forEach(ProcessHandle::destroyForcibly);
                gateway.destroyForcibly();
            }
        }
    }

    @Test
    void theReadmesInstallStepsAreTheSystemdUnitsOwn() throws Exception {
        String unit = Files.readString(SystemdUnitTest.UNIT);
        List<String> readmeInstall = commands("install -D ");
        assertEquals(3, readmeInstall.size(), readmeInstall.toString());
        for (String line : readmeInstall) {
            assertTrue(unit.contains("#   " + line + "\n") || unit.contains("#   " + line + "   #"),
                    "the unit's header has: " + line);
        }
    }
}
