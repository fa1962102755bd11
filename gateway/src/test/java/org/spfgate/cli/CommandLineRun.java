package org.spfgate.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** One in-process run of the command line: exit code and what it printed, line by line. */
record CommandLineRun(int exitCode, List<String> out, List<String> err) {

    static CommandLineRun of(GatewayLauncher launcher, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SpfgateCommand.commandLine(launcher)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new CommandLineRun(code, lines(out), lines(err));
    }

    private static List<String> lines(StringWriter w) {
        return w.toString().lines().toList();
    }
}
