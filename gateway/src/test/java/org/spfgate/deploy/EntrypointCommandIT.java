package org.spfgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container's command, run directly: the Dockerfile's ENTRYPOINT and CMD (the launcher the image
 * copies from {@code bin/}) on the container's own config with only its addresses moved to
 * loopback (port 25, the postfix service and Docker's DNS do not exist here). It must start on a
 * machine whose default Java is 17, greet, report healthy, and stop cleanly on SIGTERM as
 * {@code docker stop} sends it.
 */
class EntrypointCommandIT {

    @Test
    void theContainerCommandStartsOnTheContainerConfigAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        Dockerfile docker = Dockerfile.read(ShippedLaunch.REPO.resolve("docker/Dockerfile"));
        List<String> entrypoint = docker.command();
        assertEquals(List.of("/opt/spfgate/bin/spfgate", "run", "--config", "/etc/spfgate/spfgate.yaml"), entrypoint);
        assertTrue(docker.inStage(docker.lastStage(), "COPY").stream()
                .anyMatch(c -> c.arguments().equals("bin/spfgate bin/java-home.sh /opt/spfgate/bin/")),
                "the image's launcher is bin/spfgate");

        try (ShippedLaunch.Peers peers = ShippedLaunch.Peers.start()) {
            int smtpPort = peers.smtpPort();
            int metricsPort = peers.metricsPort();
            Path config = dir.resolve("spfgate.yaml");
            Files.writeString(config, ShippedLaunch.withReplaced(
                    Files.readString(ShippedLaunch.REPO.resolve("docker/spfgate.yaml")), Map.of(
                            "listen: [\"[::]:25\"]", "listen: [\"127.0.0.1:" + smtpPort + "\"]",
                            "host: postfix", "host: 127.0.0.1",
                            "port: 25", "port: " + peers.internalPort(),
                            "servers: []", "servers: [\"127.0.0.1:" + peers.dns().port() + "\"]",
                            "listen: 0.0.0.0:9025", "listen: 127.0.0.1:" + metricsPort)));

            ProcessBuilder builder = new ProcessBuilder(ShippedLaunch.LAUNCHER.toString(),
                    entrypoint.get(1), entrypoint.get(2), config.toString()).directory(dir.toFile());
            ShippedLaunch.freshMachine(builder.environment());
            builder.environment().put("SPFGATE_JAR", ShippedLaunch.jar().toString());
            Path log = dir.resolve("gateway.log");
            Process gateway = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                ShippedLaunch.awaitHealthy(metricsPort, gateway, log);
                List<String> jvm = ShippedLaunch.commandLine(gateway);
                assertTrue(jvm.get(0).endsWith("/bin/java") && jvm.contains("-XX:+UseSerialGC")
                        && jvm.contains("-Xmx512m"), "the launcher became the JVM, with our options: " + jvm);
                String banner = ShippedLaunch.banner(smtpPort);
                assertTrue(banner.startsWith("220 mx.example.test "), banner);
                gateway.destroy(); // SIGTERM, as docker stop sends it
                assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s of SIGTERM");
                assertTrue(Files.readString(log).contains("spfgate stopped"), Files.readString(log));
            } finally {
                gateway.destroyForcibly();
            }
        }
    }
}
