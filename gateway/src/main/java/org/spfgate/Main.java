package org.spfgate;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spfgate.cli.GatewayLauncher;
import org.spfgate.cli.SpfgateCommand;
import org.spfgate.config.GatewayConfig;
import sun.misc.Signal;

/** The entry point of {@code spfgate.jar}: the command line, and the gateway it starts. */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    /**
     * How long SIGTERM lets transactions in flight finish before the rest are cut.
     * The systemd unit's {@code TimeoutStopSec} (90s) is longer, so a clean stop is never killed.
     */
    static final Duration SHUTDOWN_DEADLINE = Duration.ofSeconds(60);

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(SpfgateCommand.execute(Main::startGateway, args));
    }

    /**
     * Starts the gateway; SIGTERM and SIGINT shut it down gracefully, after which {@code run}
     * returns and the JVM exits 0: a clean stop is a success for systemd and container runtimes
     * (left to the JVM's default, SIGTERM ends it with 143 once the shutdown hooks are done);
     * SIGHUP re-reads {@code file}.
     */
    private static GatewayLauncher.Running startGateway(GatewayConfig config, Path file) throws IOException {
        Gateway gateway = new Gateway(config);
        // Before the listener starts: by default SIGHUP ends a JVM (exit 129).
        reloadOnSighup(gateway, file);
        gateway.start();
        gateway.installShutdownHook(SHUTDOWN_DEADLINE);
        for (String name : new String[] {"TERM", "INT"}) {
            // The drain takes up to the deadline: off the signal dispatcher thread.
            Signal.handle(new Signal(name), signal -> Thread.ofPlatform().name("spfgate-stop")
                    .start(() -> gateway.shutdown(SHUTDOWN_DEADLINE)));
        }
        return new GatewayLauncher.Running() {
            @Override
            public void awaitTermination() throws InterruptedException {
                gateway.awaitTermination();
            }

            @Override
            public void close() {
                gateway.close(); // idempotent: after a SIGTERM shutdown, nothing is left to do
            }
        };
    }

    /**
     * SIGHUP ({@code systemctl reload}, {@code kill -HUP}) reloads the config file. The JDK's
     * {@code sun.misc.Signal} (module jdk.unsupported) is the only way to catch it in Java; the
     * reload runs on its own thread, never on the JVM's signal thread.
     */
    private static void reloadOnSighup(Gateway gateway, Path file) {
        Signal.handle(new Signal("HUP"), signal -> Thread.ofVirtual().name("spfgate-reload").start(() -> {
            if (file == null) {
                LOG.warn("SIGHUP: running on the built-in defaults, there is no config file to re-read");
            } else {
                gateway.reload(file);
            }
        }));
    }
}
