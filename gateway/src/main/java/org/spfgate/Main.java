package org.spfgate;

import java.io.IOException;
import java.time.Duration;
import org.spfgate.cli.GatewayLauncher;
import org.spfgate.cli.SpfgateCommand;
import org.spfgate.config.GatewayConfig;

/** The entry point of {@code spfgate.jar}: the command line, and the gateway it starts. */
public final class Main {

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
     * returns and the JVM exits 0: a clean stop is a success for systemd and container runtimes.
     * (Left to the JVM's default, SIGTERM ends it with 143 once the shutdown hooks are done.)
     */
    private static GatewayLauncher.Running startGateway(GatewayConfig config) throws IOException {
        Gateway gateway = Gateway.start(config);
        // Still there for any other way the JVM goes down (System.exit elsewhere, an unhandled signal).
        gateway.installShutdownHook(SHUTDOWN_DEADLINE);
        for (String name : new String[] {"TERM", "INT"}) {
            // The drain takes up to the deadline: off the signal dispatcher thread.
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> Thread.ofPlatform().name("spfgate-stop")
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
}
