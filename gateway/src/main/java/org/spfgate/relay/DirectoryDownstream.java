package org.spfgate.relay;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * No {@code relay:} configured: each accepted message becomes one {@code .eml} file in
 * {@code deliver_to_directory} (docs/contract.md §1) — {@code Return-Path:} and one
 * {@code X-Original-To:} per recipient, then exactly the bytes that would have been relayed
 * (our headers and the message, CRLF line endings, not dot-stuffed).
 *
 * <p>The file is written under a hidden temporary name, forced to disk and renamed atomically,
 * so a partial message never appears under a {@code .eml} name and 250 means it is on disk.
 */
public final class DirectoryDownstream implements Downstream {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");
    private static final byte[] CRLF = {'\r', '\n'};

    private final Path directory;

    /** Creates the directory if needed; a directory that cannot be made stops the gateway at start. */
    public DirectoryDownstream(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create delivery directory " + directory, e);
        }
    }

    @Override
    public DownstreamTransaction open(Envelope envelope) throws DownstreamRefusal {
        if (!Addresses.isSafe(envelope.reversePath())) {
            throw new DownstreamRefusal(DownstreamRefusal.Kind.ADDRESS,
                    new Reply(501, "5.1.7 sender address contains control characters"));
        }
        return new FileTransaction(envelope.reversePath());
    }

    @Override
    public boolean isReachable() {
        return Files.isDirectory(directory) && Files.isWritable(directory);
    }

    @Override
    public void close() {
        // Nothing held open between messages.
    }

    private final class FileTransaction implements DownstreamTransaction {

        private final String sender;
        private final List<String> recipients = new ArrayList<>();
        private boolean ended;

        FileTransaction(String sender) {
            this.sender = sender;
        }

        @Override
        public Reply recipient(String address) throws DownstreamRefusal {
            requireOpen();
            if (!Addresses.isSafe(address)) {
                throw new DownstreamRefusal(DownstreamRefusal.Kind.ADDRESS,
                        new Reply(501, "5.1.3 recipient address contains control characters"));
            }
            recipients.add(address);
            return new Reply(250, "2.1.5 Ok");
        }

        @Override
        public Reply data(byte[] prepended, InputStream message) throws IOException, DownstreamRefusal {
            requireOpen();
            ended = true;
            String name = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP) + "-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
            Path temporary = directory.resolve("." + name + ".tmp");
            Path target = directory.resolve(name + ".eml");
            boolean written = false;
            try {
                try (FileChannel file = FileChannel.open(temporary,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    writeMessage(Channels.newOutputStream(file), prepended, message);
                    file.force(true);
                }
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
                written = true;
                syncDirectory(); // the rename itself must survive a power loss before we say 250
                return new Reply(250, "2.0.0 Ok: delivered as " + target.getFileName());
            } catch (ClientReadFailed e) {
                throw e.getCause();
            } catch (IOException e) {
                // Our side failed (disk full, permissions): the client keeps the message and retries.
                message.transferTo(OutputStream.nullOutputStream());
                throw new DownstreamRefusal(DownstreamRefusal.Kind.STORAGE,
                        new Reply(451, "4.3.0 cannot store the message, try again later"), e);
            } finally {
                if (!written) {
                    deleteQuietly(temporary);
                }
            }
        }

        /** fsync of the directory entry (POSIX: a rename is durable only once its directory is). */
        private void syncDirectory() throws IOException {
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
        }

        /** Envelope lines, our headers, the message; a message not ending in CRLF gets one. */
        private void writeMessage(OutputStream file, byte[] prepended, InputStream message) throws IOException {
            OutputStream out = new BufferedOutputStream(file, 65536);
            out.write(("Return-Path: <" + sender + ">\r\n").getBytes(StandardCharsets.UTF_8));
            for (String r : recipients) {
                out.write(("X-Original-To: <" + r + ">\r\n").getBytes(StandardCharsets.UTF_8));
            }
            if (prepended != null) {
                out.write(prepended);
            }
            byte[] buffer = new byte[16384];
            int last = '\n';
            int beforeLast = '\r';
            boolean any = false;
            while (true) {
                int n;
                try {
                    n = message.read(buffer);
                } catch (IOException e) {
                    throw new ClientReadFailed(e);
                }
                if (n < 0) {
                    break;
                }
                if (n > 0) {
                    any = true;
                    beforeLast = n > 1 ? buffer[n - 2] : last;
                    last = buffer[n - 1];
                }
                out.write(buffer, 0, n);
            }
            if (any && !(beforeLast == '\r' && last == '\n')) {
                out.write(CRLF);
            }
            out.flush();
        }

        @Override
        public void abort() {
            ended = true;
        }

        @Override
        public void close() {
            ended = true;
        }

        private void requireOpen() {
            if (ended) {
                throw new IllegalStateException("transaction already ended");
            }
        }
    }

    private static void deleteQuietly(Path temporary) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
            // The reply already says what matters; a leftover hidden file is never taken for mail.
        }
    }

    /** Reading the client's message failed: the session's business, not a storage failure. */
    private static final class ClientReadFailed extends IOException {
        ClientReadFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }
}
