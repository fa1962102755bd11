package org.spfgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.config.ConfigDefaults;
import org.spfgate.config.ConfigLoader;
import org.spfgate.config.GatewayConfig;

/**
 * What {@code run} hands the gateway, and when it refuses to. The launcher here records the
 * configuration instead of opening sockets: the gateway itself is tested end to end elsewhere.
 */
class RunCommandTest {

    /** Records every start and every stop. */
    private static final class RecordingLauncher implements GatewayLauncher {
        final List<GatewayConfig> started = new ArrayList<>();
        final List<String> events = new ArrayList<>();

        @Override
        public Running start(GatewayConfig config, Path file) {
            started.add(config);
            events.add("start");
            return new Running() {
                @Override
                public void awaitTermination() {
                    events.add("await");
                }

                @Override
                public void close() {
                    events.add("close");
                }
            };
        }
    }

    @Test
    void runWithAConfigFileStartsTheGatewayWithItAndExitsZeroWhenItStops() throws Exception {
        RecordingLauncher launcher = new RecordingLauncher();
        CommandLineRun r = CommandLineRun.of(launcher, "run", "--config", "../config/exchange-relay.yaml");
        assertEquals(0, r.exitCode());
        assertEquals(List.of(ConfigLoader.load(Path.of("../config/exchange-relay.yaml"))), launcher.started);
        assertEquals(List.of("start", "await", "close"), launcher.events);
        assertEquals(List.of("spfgate: configuration: ../config/exchange-relay.yaml"), r.err());
    }

    @Test
    void noSubCommandRunsWithTheBuiltInDefaultsWhenThereIsNoConfigFileHere() {
        // Surefire's working directory is gateway/, which has no config/spfgate.yaml.
        assertTrue(Files.notExists(ConfigLoader.DEFAULT_FILE));
        RecordingLauncher launcher = new RecordingLauncher();
        CommandLineRun r = CommandLineRun.of(launcher);
        assertEquals(0, r.exitCode());
        assertEquals(List.of(ConfigDefaults.builtIn()), launcher.started);
        assertEquals(List.of("spfgate: configuration: built-in defaults (no config/spfgate.yaml here)"), r.err());
    }

    /** {@code run --config file}: exit 78, nothing started; what it printed. */
    private static List<String> refusedToStart(Path file) {
        RecordingLauncher launcher = new RecordingLauncher();
        CommandLineRun r = CommandLineRun.of(launcher, "run", "--config", file.toString());
        assertEquals(78, r.exitCode());
        assertEquals(List.of(), launcher.started);
        return r.err();
    }

    @Test
    void aConfigWithErrorsIsRefusedWithExit78AndTheGatewayIsNeverStarted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "relay:\n  port: 2525\ntrusted:\n  - name: x\n");
        assertEquals(List.of(
                "spfgate: not starting: " + file + " has 2 errors:",
                file + ": line 2, column 3: relay.host: missing: the internal server's host name or IP address",
                file + ": line 4, column 5: trusted[0]: needs at least one matcher: networks, hostnames, mx_of or spf_domains"), refusedToStart(file));
    }

    @Test
    void whatTheFileNamesOutsideItselfIsCheckedBeforeStartingAndNamesTheKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tls.yaml");
        Files.writeString(file, """
                server:
                  listen: ["127.0.0.1:2525"]
                  tls: { certificate: /nonexistent/tls.crt, key: /nonexistent/tls.key }
                metrics: { listen: null }
                deliver_to_directory: "%s"
                """.formatted(dir.resolve("delivered")));
        assertEquals(List.of(
                "spfgate: not starting: " + file + " has 2 errors:",
                file + ": line 3, column 23: server.tls.certificate: no such file: /nonexistent/tls.crt",
                file + ": line 3, column 50: server.tls.key: no such file: /nonexistent/tls.key"), refusedToStart(file));
    }

    @Test
    void aMissingConfigFileIsRefusedWithExit78(@TempDir Path dir) {
        Path file = dir.resolve("nope.yaml");
        CommandLineRun r = CommandLineRun.of(new RecordingLauncher(), "run", "--config", file.toString());
        assertEquals(78, r.exitCode());
        assertEquals(List.of("spfgate: not starting: " + file + " has 1 error:", file + ": no such file"), r.err());
    }

    @Test
    void aGatewayThatCannotStartExitsWith69AndSaysWhy() {
        GatewayLauncher failing = (config, file) -> {
            throw new java.net.BindException("Address already in use: 127.0.0.1:2525");
        };
        CommandLineRun r = CommandLineRun.of(failing, "run");
        assertEquals(69, r.exitCode());
        assertEquals(List.of("spfgate: configuration: built-in defaults (no config/spfgate.yaml here)",
                "spfgate: cannot start: Address already in use: 127.0.0.1:2525"), r.err());
    }

    @Test
    void unknownSubCommandsAndOptionsAreUsageErrors() {
        assertEquals(64, CommandLineRun.of(new RecordingLauncher(), "start").exitCode());
        assertEquals(64, CommandLineRun.of(new RecordingLauncher(), "run", "--conf", "x.yaml").exitCode());
        CommandLineRun r = CommandLineRun.of(new RecordingLauncher(), "run", "--config");
        assertEquals(64, r.exitCode());
        assertEquals("Missing required parameter for option '--config' (FILE)", r.err().get(0));
    }

    @Test
    void helpListsTheThreeSubCommandsAndExitsZero() {
        CommandLineRun r = CommandLineRun.of(new RecordingLauncher(), "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().stream().anyMatch(l -> l.trim().startsWith("run ")), r.out().toString());
        assertTrue(r.out().stream().anyMatch(l -> l.trim().startsWith("check ")), r.out().toString());
        assertTrue(r.out().stream().anyMatch(l -> l.trim().startsWith("config ")), r.out().toString());
    }
}
