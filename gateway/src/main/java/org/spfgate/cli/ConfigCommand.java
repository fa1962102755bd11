package org.spfgate.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.spfgate.config.ConfigError;
import org.spfgate.config.ConfigException;
import org.spfgate.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code config --check FILE}: prints {@code ok} (exit 0), or every error of the file as
 * {@code FILE: line L, column C: key.path: message}, one per line (exit 78).
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
        try {
            ConfigLoader.load(file);
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
