package org.spfgate.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.spfgate.EnvironmentChecks;
import org.spfgate.config.ConfigDefaults;
import org.spfgate.config.ConfigError;
import org.spfgate.config.ConfigException;
import org.spfgate.config.ConfigLoader;
import org.spfgate.config.GatewayConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code run [--config FILE]}: loads the configuration and starts the gateway, or refuses to start
 * on any config error (exit 78, every error printed with its key and line).
 */
@Command(name = "run", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        exitCodeOnExecutionException = ExitCodes.INTERNAL_ERROR,
        description = {"Start the gateway (the default command).",
                "Without --config: config/spfgate.yaml if it exists in the working directory, else the built-in defaults."})
final class RunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "the YAML configuration file")
    private Path config;

    private final GatewayLauncher launcher;

    RunCommand(GatewayLauncher launcher) {
        this.launcher = launcher;
    }

    @Override
    public Integer call() throws InterruptedException {
        return run(config, spec.commandLine().getErr());
    }

    /** Also what {@code spfgate} with no sub-command does, with {@code file == null}. */
    int run(Path file, PrintWriter err) throws InterruptedException {
        Path chosen = file != null ? file : Files.isRegularFile(ConfigLoader.DEFAULT_FILE) ? ConfigLoader.DEFAULT_FILE : null;
        GatewayConfig gatewayConfig;
        try {
            gatewayConfig = chosen == null ? ConfigDefaults.builtIn() : ConfigLoader.load(chosen);
            // what the file names outside itself, with key and line, before anything starts; an
            // address merely in use is left to the bind itself, which names its key too (exit 69:
            // another process may free it, a config change is not what it takes)
            List<ConfigError> errors = EnvironmentChecks.forStart(gatewayConfig, chosen).stream()
                    .filter(e -> !EnvironmentChecks.inUse(e)).toList();
            if (!errors.isEmpty()) {
                throw new ConfigException(chosen == null ? "built-in defaults" : chosen.toString(), errors);
            }
        } catch (ConfigException e) {
            err.println("spfgate: not starting: " + e.source() + " has " + e.errors().size()
                    + (e.errors().size() == 1 ? " error:" : " errors:"));
            for (ConfigError error : e.errors()) {
                err.println(e.source() + ": " + error);
            }
            err.flush();
            return ExitCodes.CONFIG_ERROR;
        }
        err.println("spfgate: configuration: " + (chosen == null
                ? "built-in defaults (no " + ConfigLoader.DEFAULT_FILE + " here)" : chosen.toString()));
        err.flush();
        GatewayLauncher.Running running;
        try {
            running = launcher.start(gatewayConfig, chosen);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            err.println("spfgate: cannot start: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            err.flush();
            return ExitCodes.CANNOT_START;
        }
        try (running) {
            running.awaitTermination();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            err.println("spfgate: error while stopping: " + e.getMessage());
            err.flush();
            return ExitCodes.INTERNAL_ERROR;
        }
        return ExitCodes.OK;
    }
}
