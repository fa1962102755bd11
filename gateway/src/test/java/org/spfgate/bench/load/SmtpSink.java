package org.spfgate.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Postfix's {@code smtp-sink} (Debian package {@code postfix}) as the internal server: a C
 * program that answers every command at once and throws messages away, so that what is measured
 * is the gateway, not the server behind it. Runs as a child process on a free loopback port.
 */
final class SmtpSink implements AutoCloseable {

    private static final Path INSTALLED = Path.of("/usr/sbin/smtp-sink");
    private static final int BACKLOG = 1024;
    /** Simultaneous connections it serves (default 256): more than any phase opens to it. */
    private static final int MAX_CONNECTIONS = 1024;

    private final Process process;
    private final int port;

    private SmtpSink(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static SmtpSink start() throws IOException {
        int port = LoopbackPort.free();
        List<String> command = new ArrayList<>(List.of(Files.isExecutable(INSTALLED) ? INSTALLED.toString() : "smtp-sink",
                "-m", Integer.toString(MAX_CONNECTIONS)));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "nobody")); // smtp-sink refuses to run as root without it
        }
        command.addAll(List.of("127.0.0.1:" + port, Integer.toString(BACKLOG)));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("cannot start smtp-sink (install Debian's postfix package): " + e.getMessage(), e);
        }
        SmtpSink sink = new SmtpSink(process, port);
        try {
            LoopbackPort.awaitListening(port, Duration.ofSeconds(10), process, "smtp-sink");
        } catch (IOException e) {
            sink.close();
            throw e;
        }
        return sink;
    }

    int port() {
        return port;
    }

    ProcStatus status() {
        return new ProcStatus(process.pid());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
