package org.spfgate.testhost;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A log file another component writes (the gateway's decision log, a child process's output,
 * Postfix's maillog), read by a test that waits for the line saying an event happened — instead
 * of sleeping and hoping it has.
 */
public final class LogFile {

    private final Path file;

    public LogFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /** The lines so far (none while the file does not exist yet). */
    public List<String> lines() throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    /** The whole text so far, for failure messages. */
    public String text() {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }

    /** Waits up to {@code timeout} for a line matching {@code test}; returns it, or fails showing the log. */
    public String awaitLine(Predicate<String> test, Duration timeout) throws IOException, InterruptedException {
        return awaitLine(test, timeout, () -> true);
    }

    /**
     * {@link #awaitLine(Predicate, Duration)}, giving up early when {@code writerAlive} turns false
     * (the process writing the file has exited, so the line can no longer come).
     */
    public String awaitLine(Predicate<String> test, Duration timeout, BooleanSupplier writerAlive)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean alive = writerAlive.getAsBoolean();
            List<String> lines = lines();
            for (String line : lines) {
                if (test.test(line)) {
                    return line;
                }
            }
            if (!alive || System.nanoTime() > end) {
                throw new AssertionError("no such line in " + file + (alive ? " within " + timeout : " (its writer exited)")
                        + ":\n" + String.join("\n", lines));
            }
            Thread.sleep(10);
        }
    }
}
