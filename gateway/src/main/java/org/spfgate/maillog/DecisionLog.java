package org.spfgate.maillog;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spfgate.config.LogConfig;

/**
 * The decision log (docs/contract.md §7): one line per transaction outcome, to standard output (a container's
 * log) or appended to {@code log.file}, as {@code key=value} text or JSON lines. Thread-safe:
 * each line goes out in one write under a lock, so lines from concurrent sessions never
 * interleave, and an {@code O_APPEND} file can be shared with logrotate's {@code copytruncate}.
 * A failing write (disk full) is reported once per failure run and never reaches the SMTP client.
 */
public final class DecisionLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DecisionLog.class);

    private final OutputStream out;
    private final boolean ownsStream;
    private final LogConfig.Format format;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean failing;

    private DecisionLog(OutputStream out, boolean ownsStream, LogConfig.Format format, Clock clock) {
        this.out = out;
        this.ownsStream = ownsStream;
        this.format = format == null ? LogConfig.Format.TEXT : format;
        this.clock = clock;
    }

    /**
     * The log {@code config} asks for: {@code null} or no file means standard output, text
     * unless the format says JSON.
     *
     * @throws IOException when the file cannot be opened for appending
     */
    public static DecisionLog open(LogConfig config) throws IOException {
        if (config == null || config.file() == null) {
            return new DecisionLog(System.out, false, config == null ? null : config.format(), Clock.systemUTC());
        }
        OutputStream file;
        try {
            file = Files.newOutputStream(config.file(),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            // The JDK's messages are just the path: say which file it is and what is wrong with it.
            throw new IOException("cannot open the decision log " + config.file() + " (log.file) for appending: "
                    + why(config.file(), e), e);
        }
        return new DecisionLog(file, true, config.format(), Clock.systemUTC());
    }

    private static String why(Path file, IOException e) {
        if (e instanceof NoSuchFileException && file.getParent() != null) {
            return "no such directory " + file.getParent();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.toString();
    }

    /** A log onto any stream (left open on {@link #close()}), with the clock that stamps lines. */
    public static DecisionLog to(OutputStream out, LogConfig.Format format, Clock clock) {
        return new DecisionLog(out, false, format, clock);
    }

    /** Writes the record's line. Never throws for I/O: mail flow does not stop for the log. */
    public void write(TransactionRecord record) {
        String line = format(record);
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            out.write(bytes);
            out.flush();
            if (failing) {
                failing = false;
                log.warn("decision log writes work again");
            }
        } catch (IOException e) {
            if (!failing) {
                failing = true;
                log.warn("decision log write failed, lines are being lost: {}", e.toString());
            }
        } finally {
            lock.unlock();
        }
    }

    /** The line {@link #write} would write now, without the newline. */
    String format(TransactionRecord record) {
        return switch (format) {
            case TEXT -> KeyValueLine.format(record, clock.instant());
            case JSON -> JsonLine.format(record, clock.instant());
        };
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (ownsStream) {
                out.close();
            } else {
                out.flush();
            }
        } catch (IOException e) {
            log.warn("closing the decision log failed: {}", e.toString());
        } finally {
            lock.unlock();
        }
    }
}
