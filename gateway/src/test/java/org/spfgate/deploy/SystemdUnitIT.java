package org.spfgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit's commands, run as systemd would run them but without systemd: the files
 * installed as the unit's header says (into a temporary root instead of {@code /}), then its
 * ExecStart in a fresh machine's environment (Java 17 first on PATH, no JAVA_HOME). The exit
 * statuses it declares are the ones spfgate gives: a graceful stop is a success, a config error
 * is one systemd will not restart.
 */
class SystemdUnitIT {

    @TempDir
    Path root;

    /** The install commands of the unit's header, for the files that go under /opt/spfgate. */
    private void installAsTheUnitSays() throws Exception {
        String unit = Files.readString(SystemdUnitTest.UNIT);
        Matcher install = Pattern.compile("(?m)^#\\s+install -D -m (\\d+) (?:-t (/opt/\\S+) (.+)|(\\S+) (/opt/\\S+))$").matcher(unit);
        int installed = 0;
        while (install.find()) {
            List<String> command = new ArrayList<>(List.of("install", "-D", "-m", install.group(1)));
            if (install.group(2) != null) {
                command.addAll(List.of("-t", root + install.group(2)));
                for (String source : install.group(3).strip().split("\\s+")) {
                    command.add(ShippedLaunch.REPO.resolve(source).toString());
                }
            } else {
                String source = install.group(4).equals("gateway/target/spfgate.jar")
                        ? ShippedLaunch.jar().toString() : ShippedLaunch.REPO.resolve(install.group(4)).toString();
                command.addAll(List.of(source, root + install.group(5)));
            }
            ShippedLaunch.Result result = ShippedLaunch.run(new ProcessBuilder(command));
            assertEquals(0, result.status(), command + ": " + result.output());
            installed++;
        }
        assertEquals(2, installed, "the unit's header installs the jar and the launcher under /opt/spfgate");
    }

    /** ExecStart with the installed paths moved under the temporary root and the given config. */
    private ProcessBuilder execStart(Path config) throws Exception {
        String execStart = SystemdUnitTest.service().get("ExecStart");
        List<String> words = new ArrayList<>(List.of(execStart.split("\\s+")));
        assertEquals(List.of("run", "--config", "/etc/spfgate/spfgate.yaml"), words.subList(1, words.size()));
        words.set(0, root + words.get(0));
        words.set(words.size() - 1, config.toString());
        ProcessBuilder builder = new ProcessBuilder(words).directory(root.toFile());
        ShippedLaunch.freshMachine(builder.environment());
        return builder;
    }

    /** Waits (30 s at most) for the journal to contain {@code text}. */
    private static void awaitLog(Path log, String text, Process gateway) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(log).contains(text)) {
            assertTrue(gateway.isAlive() && System.nanoTime() < end, "'" + text + "' in:\n" + Files.readString(log));
            Thread.sleep(50);
        }
    }

    private static List<Integer> statuses(String key) throws Exception {
        return List.of(SystemdUnitTest.service().get(key).split("\\s+")).stream().map(Integer::valueOf).toList();
    }

    @Test
    void execStartRunsTheInstalledLauncherExecReloadReloadsAndAGracefulStopEndsInASuccessStatus() throws Exception {
        installAsTheUnitSays();
        try (ShippedLaunch.Peers peers = ShippedLaunch.Peers.start()) {
            int smtpPort = peers.smtpPort();
            int metricsPort = peers.metricsPort();
            Path config = peers.exchangeRelayConfig(root);
            Path log = root.resolve("journal.txt");
            Process gateway = execStart(config).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                ShippedLaunch.awaitHealthy(metricsPort, gateway, log);
                assertTrue(ShippedLaunch.banner(smtpPort).startsWith("220 mx.example.org "));

                // systemctl reload: ExecReload's command, with systemd's $MAINPID
                String reload = SystemdUnitTest.service().get("ExecReload").replace("$MAINPID", Long.toString(gateway.pid()));
                Files.writeString(config, Files.readString(config).replace("domains: [example.org, example.net]",
                        "domains: [example.org, example.net, example.com]"));
                assertEquals(0, ShippedLaunch.run(new ProcessBuilder(reload.split(" "))).status());
                awaitLog(log, "configuration reloaded from " + config, gateway);
                Files.writeString(config, Files.readString(config).replace("mode: enforce", "mode: enforcing"));
                assertEquals(0, ShippedLaunch.run(new ProcessBuilder(reload.split(" "))).status());
                awaitLog(log, "reload refused, the running configuration stays: " + config + ": line ", gateway);
                assertTrue(Files.readString(log).contains(": spf.mode: expected one of enforce, report-only"),
                        Files.readString(log));
                assertTrue(gateway.isAlive(), "SIGHUP reloads, it does not end the JVM");

                gateway.destroy(); // KillSignal=SIGTERM
                assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s of SIGTERM");
                int status = gateway.exitValue();
                assertTrue(status == 0 || statuses("SuccessExitStatus").contains(status),
                        "exit status " + status + " is a success for systemd:\n" + Files.readString(log));
            } finally {
                gateway.destroyForcibly();
            }
        }
    }

    @Test
    void aConfigErrorExitsWithAStatusSystemdDoesNotRestart() throws Exception {
        installAsTheUnitSays();
        Path config = root.resolve("spfgate.yaml");
        Files.writeString(config, "server:\n  max_message_size: big\n");
        ShippedLaunch.Result result = ShippedLaunch.run(execStart(config));
        assertTrue(statuses("RestartPreventExitStatus").contains(result.status()),
                "exit status " + result.status() + " prevents a restart:\n" + result.output());
        assertTrue(result.output().contains("line 2") && result.output().contains("server.max_message_size"),
                "the journal names key and line:\n" + result.output());
    }
}
