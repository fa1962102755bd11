package org.spfgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.testhost.ThirdPartyTools;

/** {@code config/spfgate.service}: its hardening, its restart and stop policy, and systemd's own verdict on it. */
class SystemdUnitTest {

    static final Path UNIT = Path.of("..", "config", "spfgate.service").toAbsolutePath().normalize();

    /** Every {@code Key=value} of the [Service] section (last one wins, as in systemd). */
    static Map<String, String> service() throws Exception {
        return section("[Service]");
    }

    static Map<String, String> section(String name) throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        String section = "";
        for (String line : Files.readAllLines(UNIT)) {
            String l = line.strip();
            if (l.startsWith("[")) {
                section = l;
            } else if (section.equals(name) && !l.isEmpty() && !l.startsWith("#")) {
                int eq = l.indexOf('=');
                keys.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        return keys;
    }

    @Test
    void theServiceRunsAsItsOwnUserWithOnlyTheRightToBindPort25() throws Exception {
        Map<String, String> s = service();
        assertEquals("spfgate", s.get("User"));
        assertEquals("CAP_NET_BIND_SERVICE", s.get("AmbientCapabilities"));
        assertEquals("CAP_NET_BIND_SERVICE", s.get("CapabilityBoundingSet"));
        assertEquals("yes", s.get("NoNewPrivileges"));
        assertEquals("strict", s.get("ProtectSystem"));
        assertEquals("yes", s.get("ProtectHome"));
        assertEquals("yes", s.get("PrivateTmp"));
        assertEquals("/var/lib/spfgate", s.get("ReadWritePaths"));
        assertEquals("SIGTERM", s.get("KillSignal"));
        assertEquals("on-failure", s.get("Restart"));
        assertTrue(s.containsKey("TimeoutStopSec"));
        assertEquals("/bin/kill -HUP $MAINPID", s.get("ExecReload"), "systemctl reload sends SIGHUP");
    }

    @Test
    void aConfigErrorIsNotRestartedForeverAndAGracefulStopIsASuccess() throws Exception {
        Map<String, String> s = service();
        assertTrue(List.of(s.get("RestartPreventExitStatus").split("\\s+")).contains("78"),
                "EX_CONFIG (78) is not restarted: " + s.get("RestartPreventExitStatus"));
        assertTrue(List.of(s.get("SuccessExitStatus").split("\\s+")).contains("143"),
                "128 + SIGTERM counts as a clean stop: " + s.get("SuccessExitStatus"));
        // with RestartSec=5s, systemd's default start limit (5 starts in 10 s) is never reached
        Map<String, String> unit = section("[Unit]");
        assertEquals("10min", unit.get("StartLimitIntervalSec"));
        assertEquals("5", unit.get("StartLimitBurst"));
    }

    @Test
    void theServiceStartsTheSameCommandAsTheContainer() throws Exception {
        Dockerfile docker = Dockerfile.read(Path.of("..", "docker", "Dockerfile"));
        String command = String.join(" ", docker.command());
        assertEquals(command, service().get("ExecStart"));
    }

    @Test
    void systemdAnalyzeVerifiesTheUnit(@TempDir Path dir) throws Exception {
        File analyze = new File("/usr/bin/systemd-analyze");
        ThirdPartyTools.require(analyze.getPath());
        // The unit as installed, its launcher at the repository's path (nothing is installed in
        // /opt here): systemd-analyze checks that ExecStart is executable.
        Path unit = dir.resolve("spfgate.service");
        Files.writeString(unit, Files.readString(UNIT).replace("ExecStart=/opt/spfgate/bin/spfgate ",
                "ExecStart=" + UNIT.getParent().getParent().resolve("bin/spfgate") + " "));
        List<String> command = new ArrayList<>(List.of(analyze.getPath(), "verify", unit.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze finished");
        assertEquals("", output, "systemd-analyze verify output");
        assertEquals(0, p.exitValue());
    }
}
