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
    void aFileThatRunWouldRefuseIsNotOkAndEachProblemNamesItsKeyAndLine(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("ec.crt");
        Path otherKey = dir.resolve("rsa.key");
        try (var c = getClass().getResourceAsStream("/tls/ec.crt"); var k = getClass().getResourceAsStream("/tls/rsa.key")) {
            Files.copy(c, cert);
            Files.copy(k, otherKey);
        }
        Path notADirectory = dir.resolve("plain-file");
        Files.writeString(notADirectory, "");
        Path file = dir.resolve("refused.yaml");
        Files.writeString(file, """
                server:
                  listen: ["192.0.2.1:2525"]
                  tls: { certificate: "%s", key: "%s" }
                deliver_to_directory: "%s"
                metrics:
                  listen: null
                log:
                  file: "%s"
                """.formatted(cert, otherKey, notADirectory.resolve("delivered"), dir.resolve("missing-dir/decisions.log")));
        CommandLineRun r = CommandLineRun.of(NEVER, "config", "--check", file.toString());
        assertEquals(List.of(
                file + ": line 3, column 8: server.tls: the key in " + otherKey
                        + " does not belong to the first certificate in " + cert,
                file + ": line 4, column 23: deliver_to_directory: " + notADirectory.resolve("delivered")
                        + " cannot be created: " + notADirectory + " is not a directory",
                file + ": line 8, column 9: log.file: cannot create " + dir.resolve("missing-dir/decisions.log")
                        + ": no directory " + dir.resolve("missing-dir"),
                file + ": line 2, column 12: server.listen[0]: cannot listen on 192.0.2.1:2525: Cannot assign requested address"),
                r.out());
        assertEquals(78, r.exitCode());
    }

    @Test
    void aMissingCertificateIsNamedByItsKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tls.yaml");
        Files.writeString(file, """
                server:
                  listen: ["127.0.0.1:2525"]
                  tls:
                    certificate: /nonexistent/tls.crt
                    key: /nonexistent/tls.key
                metrics: { listen: null }
                """);
        CommandLineRun r = CommandLineRun.of(NEVER, "config", "--check", file.toString());
        assertEquals(List.of(
                file + ": line 4, column 18: server.tls.certificate: no such file: /nonexistent/tls.crt",
                file + ": line 5, column 10: server.tls.key: no such file: /nonexistent/tls.key"), r.out());
        assertEquals(78, r.exitCode());
    }

    @Test
    void anAddressInUseIsOnlyAWarningForItMayBeTheRunningGatewaysOwn(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path file = dir.resolve("running.yaml");
            Files.writeString(file, """
                    server:
                      listen: ["127.0.0.1:%d"]
                    metrics: { listen: null }
                    deliver_to_directory: "%s"
                    """.formatted(taken.getLocalPort(), dir.resolve("delivered")));
            CommandLineRun r = CommandLineRun.of(NEVER, "config", "--check", file.toString());
            assertEquals(List.of("ok"), r.out());
            assertEquals(0, r.exitCode());
            assertEquals(List.of(file + ": warning: line 2, column 12: server.listen[0]: cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + ": Address already in use (by the running gateway? a reload keeps its sockets)"),
                    r.err());
        }
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
