package org.spfgate.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.spfgate.EnvironmentChecks;
import org.spfgate.config.ConfigError;
import org.spfgate.config.ConfigException;
import org.spfgate.config.ConfigLoader;
import org.spfgate.config.GatewayConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code config --check FILE}: prints {@code ok} (exit 0), or every error of the file as
 * {@code FILE: line L, column C: key.path: message}, one per line (exit 78) — the file's own
 * errors, and then everything {@code run} and a reload check outside it ({@link EnvironmentChecks}:
 * TLS files, writable directories, bindable addresses). An address already in use is a warning
 * on standard error only: it is most often the running gateway whose next config is checked.
 */
@Command(name = "config", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        exitCodeOnExecutionException = ExitCodes.INTERNAL_ERROR,
        description = "Validate a configuration file: prints ok, or every error with its key and line.")
final class ConfigCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--check", paramLabel = "FILE", required = true, description = "the YAML file to validate")
    private Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            GatewayConfig config = ConfigLoader.load(file);
            List<ConfigError> problems = EnvironmentChecks.forStart(config, file);
            List<ConfigError> errors = problems.stream().filter(p -> !EnvironmentChecks.inUse(p)).toList();
            for (ConfigError warning : problems.stream().filter(EnvironmentChecks::inUse).toList()) {
                err.println(file + ": warning: " + warning);
            }
            err.flush();
            if (!errors.isEmpty()) {
                throw new ConfigException(file.toString(), errors);
            }
            out.println("ok");
            return ExitCodes.OK;
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                out.println(e.source() + ": " + error);
            }
            return ExitCodes.CONFIG_ERROR;
        } finally {
            out.flush();
        }
    }
}
