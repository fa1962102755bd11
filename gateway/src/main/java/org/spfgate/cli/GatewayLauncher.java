package org.spfgate.cli;

import java.nio.file.Path;
import org.spfgate.config.GatewayConfig;

/**
 * How {@code run} starts the gateway: the one hook between the command line and the assembly of
 * listener, session, policy, relay, DNS and metrics. {@code Main} passes the real one; tests pass
 * their own to see what {@code run} would start with.
 */
@FunctionalInterface
public interface GatewayLauncher {

    /**
     * Starts everything {@code config} describes and returns once the gateway accepts connections.
     *
     * @param file where {@code config} was read from, to re-read on reload; {@code null} for the
     *             built-in defaults
     * @throws Exception when it cannot start (port taken, certificate unreadable, ...): {@code run}
     *                   prints the message and exits with {@link ExitCodes#CANNOT_START}
     */
    Running start(GatewayConfig config, Path file) throws Exception;

    /** A started gateway. */
    interface Running extends AutoCloseable {

        /** Blocks until the gateway has stopped (e.g. after SIGTERM and a graceful shutdown). */
        void awaitTermination() throws InterruptedException;

        /** Stops the gateway if it still runs. */
        @Override
        void close() throws Exception;
    }
}
