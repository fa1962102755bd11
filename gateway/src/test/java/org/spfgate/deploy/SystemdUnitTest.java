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
import org.spfgate.testhost.ThirdPartyTools;

/** {@code config/spfgate.service}: the hardening the issue asks for, and systemd's own verdict on it. */
class SystemdUnitTest {

    private static final Path UNIT = Path.of("..", "config", "spfgate.service").toAbsolutePath().normalize();

    /** Every {@code Key=value} of the [Service] section (last one wins, as in systemd). */
    private static Map<String, String> service() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        String section = "";
        for (String line : Files.readAllLines(UNIT)) {
            String l = line.strip();
            if (l.startsWith("[")) {
                section = l;
            } else if (section.equals("[Service]") && !l.isEmpty() && !l.startsWith("#")) {
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
        assertTrue(!s.containsKey("ExecReload"), "no reload: spfgate does not re-read its config");
    }

    @Test
    void theServiceStartsTheSameCommandAsTheContainer() throws Exception {
        Dockerfile docker = Dockerfile.read(Path.of("..", "docker", "Dockerfile"));
        String entrypoint = docker.inStage(docker.lastStage(), "ENTRYPOINT").get(0).arguments();
        String command = String.join(" ", entrypoint.replaceAll("[\\[\\]\"]", "").split(",\\s*"));
        assertEquals("/usr/bin/" + command, service().get("ExecStart"));
    }

    @Test
    void systemdAnalyzeVerifiesTheUnit() throws Exception {
        File analyze = new File("/usr/bin/systemd-analyze");
        // /usr/bin/java is the unit's ExecStart: without it systemd-analyze would only report that.
        ThirdPartyTools.require(analyze.getPath(), "/usr/bin/java");
        List<String> command = new ArrayList<>(List.of(analyze.getPath(), "verify", UNIT.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze finished");
        assertEquals("", output, "systemd-analyze verify output");
        assertEquals(0, p.exitValue());
    }
}
