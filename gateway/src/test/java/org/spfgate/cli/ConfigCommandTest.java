package org.spfgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {

    private static final GatewayLauncher NEVER = (config, file) -> {
        throw new AssertionError("config --check must not start the gateway");
    };

    @Test
    void aGoodFilePrintsOkAndExitsZero() {
        CommandLineRun r = CommandLineRun.of(NEVER, "config", "--check", "../config/exchange-relay.yaml");
        assertEquals(List.of("ok"), r.out());
        assertEquals(0, r.exitCode());
    }

    @Test
    void aBadFilePrintsEveryErrorWithKeyAndLineAndExits78(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                server:
                  max_message_size: 50XB
                  listen: ["[::]:99999"]
                domains: []
                spf: { mode: enforcing }
                """);
        CommandLineRun r = CommandLineRun.of(NEVER, "config", "--check", file.toString());
        assertEquals(List.of(
                file + ": line 2, column 21: server.max_message_size: unknown size unit \"XB\" in \"50XB\" (use bytes, or a"
                        + " number and a unit: 25MB (10^6 bytes), 25MiB (2^20 bytes), KB, KiB, GB, GiB)",
                file + ": line 3, column 12: server.listen[0]: port 99999 out of range (1-65535) in \"[::]:99999\"",
                file + ": line 4, column 10: domains: must list at least one domain to accept mail for",
                file + ": line 5, column 14: spf.mode: expected one of enforce, report-only, got the string \"enforcing\""),
                r.out());
        assertEquals(78, r.exitCode());
    }

    @Test
    void aMissingFileIsAConfigError(@TempDir Path dir) {
        Path file = dir.resolve("missing.yaml");
        CommandLineRun r = CommandLineRun.of(NEVER, "config", "--check", file.toString());
        assertEquals(List.of(file + ": no such file"), r.out());
        assertEquals(78, r.exitCode());
    }

    @Test
    void configWithoutCheckIsAUsageError() {
        CommandLineRun r = CommandLineRun.of(NEVER, "config");
        assertEquals(64, r.exitCode());
        assertEquals("Missing required option: '--check=FILE'", r.err().get(0));
        assertTrue(r.err().stream().anyMatch(l -> l.startsWith("Usage: spfgate config")), r.err().toString());
    }
}
