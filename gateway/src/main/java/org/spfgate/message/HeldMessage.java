package org.spfgate.message;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A whole message kept until a verdict that needs all of it (an aligned DKIM signature decides
 * whether it is relayed at all): in memory up to a bound, then in a temporary file.
 *
 * <p>The temporary file is removed on {@link #close()}, and already when holding fails (the
 * client disconnected or timed out mid-message): callers hold it in try-with-resources, so every
 * outcome — relayed, refused, deferred, connection lost — leaves nothing behind. Files are
 * created owner-only ({@link Files#createTempFile}), since they hold other people's mail.
 */
public final class HeldMessage implements AutoCloseable {

    /** Messages up to this size stay in memory; larger ones go to a temporary file. */
    public static final int DEFAULT_MEMORY_LIMIT = 256 * 1024;

    private final byte[] memory;
    private final Path file;
    private final long size;

    private HeldMessage(byte[] memory, Path file, long size) {
        this.memory = memory;
        this.file = file;
        this.size = size;
    }

    /**
     * Reads {@code message} to its end and keeps it.
     *
     * @param memoryLimit bytes kept in memory before spilling to a file in {@code directory}
     * @throws IOException reading failed; any temporary file is already removed
     */
    public static HeldMessage hold(InputStream message, int memoryLimit, Path directory) throws IOException {
        Objects.requireNonNull(directory, "directory");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(Math.min(memoryLimit, 16 * 1024) + 1);
        byte[] chunk = new byte[8192];
        int n;
        while ((n = message.read(chunk)) > 0) {
            if (buffer.size() + n > memoryLimit) {
                return spill(buffer, chunk, n, message, directory);
            }
            buffer.write(chunk, 0, n);
        }
        return new HeldMessage(buffer.toByteArray(), null, buffer.size());
    }

    private static HeldMessage spill(ByteArrayOutputStream buffer, byte[] chunk, int n, InputStream rest,
            Path directory) throws IOException {
        Path file = Files.createTempFile(directory, "spfgate-held-", ".eml");
        try (OutputStream out = Files.newOutputStream(file)) {
            buffer.writeTo(out);
            out.write(chunk, 0, n);
            long size = buffer.size() + n + rest.transferTo(out);
            return new HeldMessage(null, file, size);
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(file, e);
            throw e;
        }
    }

    /** The message from its first byte; may be opened any number of times until closed. */
    public InputStream open() throws IOException {
        return file == null ? new ByteArrayInputStream(memory) : Files.newInputStream(file);
    }

    /** The message with {@code head} (already read from the same stream) in front of it. */
    public InputStream openAfter(MessageHead head) throws IOException {
        return new SequenceInputStream(head.stream(), open());
    }

    public long size() {
        return size;
    }

    /** Whether it went to a temporary file. */
    public boolean spilled() {
        return file != null;
    }

    /** Removes the temporary file, if any. */
    @Override
    public void close() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    private static void deleteQuietly(Path file, Throwable cause) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
