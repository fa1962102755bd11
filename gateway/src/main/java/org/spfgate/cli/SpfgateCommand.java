package org.spfgate.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code spfgate}: the command line (docs/contract.md §1). Sub-commands {@code run} (also what no
 * sub-command does), {@code check}, {@code config} and {@code explain}. Options live on the sub-commands only: an
 * option required here would be required for every sub-command too.
 */
@Command(name = "spfgate", mixinStandardHelpOptions = true, versionProvider = SpfgateCommand.Version.class,
        exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.INTERNAL_ERROR,
        description = "Inbound SMTP border gateway: SPF at ingress, synchronous byte-exact relay to the internal server.")
public final class SpfgateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private final RunCommand run;

    private SpfgateCommand(RunCommand run) {
        this.run = run;
    }

    /** The whole command line, ready for {@link CommandLine#execute}, starting the gateway through {@code launcher}. */
    public static CommandLine commandLine(GatewayLauncher launcher) {
        RunCommand run = new RunCommand(launcher);
        return new CommandLine(new SpfgateCommand(run))
                .addSubcommand(run)
                .addSubcommand(new CheckCommand())
                .addSubcommand(new ConfigCommand())
                .addSubcommand(new ExplainCommand());
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(GatewayLauncher launcher, String... args) {
        return commandLine(launcher).execute(args);
    }

    /** No sub-command: {@code run} with its defaults. */
    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        return run.run(null, err);
    }

    /** The version the build wrote into the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SpfgateCommand.class.getPackage().getImplementationVersion();
            return new String[] {"spfgate " + (v == null ? "(development build)" : v)};
        }
    }
}
