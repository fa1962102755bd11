package org.spfgate;

import org.spfgate.cli.GatewayLauncher;
import org.spfgate.cli.SpfgateCommand;

/** The entry point of {@code spfgate.jar}: the command line, and the gateway it starts. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(SpfgateCommand.execute(Main::startGateway, args));
    }

    /**
     * Builds the gateway from its configuration. TODO(lead): this build has no assembly yet; wire
     * {@code org.spfgate.listener.Gateway} here (start it and return it as a
     * {@link GatewayLauncher.Running}).
     */
    private static GatewayLauncher.Running startGateway(org.spfgate.config.GatewayConfig config) {
        throw new IllegalStateException("this build does not contain the gateway assembly yet"
                + " (org.spfgate.listener.Gateway); check and config --check work");
    }
}
