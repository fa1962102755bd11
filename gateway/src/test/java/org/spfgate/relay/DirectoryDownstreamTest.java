package org.spfgate.relay;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spfgate.relay.SmtpDownstreamTest.concat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryDownstreamTest {

    private static final byte[] HEADERS = "Received: from a by b; Mon, 23 Nov 2026 10:00:00 +0000\r\n".getBytes(US_ASCII);

    @TempDir
    Path root;

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void anAcceptedMessageIsOneEmlFileWithEnvelopeLinesThenExactlyTheRelayedBytes() throws Exception {
        Path dir = root.resolve("var/delivered"); // created on demand
        byte[] message = "Subject: caf\u00e9\r\n\r\n.not stuffed\r\n\u00ff\r\n".getBytes(ISO_8859_1);
        Reply reply;
        try (DirectoryDownstream downstream = new DirectoryDownstream(dir);
                DownstreamTransaction t = downstream.open(new Envelope("alice@example.com", false, true, -1))) {
            assertEquals(new Reply(250, "2.1.5 Ok"), t.recipient("bob@example.org"));
            assertEquals(new Reply(250, "2.1.5 Ok"), t.recipient("\"carol smith\"@example.org"));
            reply = t.data(HEADERS, new ByteArrayInputStream(message));
        }
        List<Path> files = files(dir);
        assertEquals(1, files.size());
        Path file = files.get(0);
        assertTrue(file.getFileName().toString().endsWith(".eml"), file.toString());
        assertEquals(new Reply(250, "2.0.0 Ok: delivered as " + file.getFileName()), reply);
        byte[] expected = concat(("Return-Path: <alice@example.com>\r\nX-Original-To: <bob@example.org>\r\n"
                + "X-Original-To: <\"carol smith\"@example.org>\r\n").getBytes(US_ASCII), HEADERS, message);
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void theNullSenderIsWrittenAsAnEmptyReturnPathAndAMissingFinalCrLfIsAdded() throws Exception {
        try (DirectoryDownstream downstream = new DirectoryDownstream(root);
                DownstreamTransaction t = downstream.open(new Envelope("", false, false, -1))) {
            t.recipient("postmaster@example.org");
            t.data(HEADERS, new ByteArrayInputStream("Subject: bounce\r\n\r\nno newline".getBytes(US_ASCII)));
        }
        byte[] expected = concat("Return-Path: <>\r\nX-Original-To: <postmaster@example.org>\r\n".getBytes(US_ASCII),
                HEADERS, "Subject: bounce\r\n\r\nno newline\r\n".getBytes(US_ASCII));
        assertArrayEquals(expected, Files.readAllBytes(files(root).get(0)));
    }

    @Test
    void noEmlFileExistsWhileTheMessageIsStillArriving() throws Exception {
        List<List<Path>> seenMidway = new java.util.ArrayList<>();
        InputStream slow = new InputStream() {
            private final ByteArrayInputStream first = new ByteArrayInputStream("Subject: x\r\n\r\nfirst half\r\n".getBytes(US_ASCII));
            private final ByteArrayInputStream second = new ByteArrayInputStream("second half\r\n".getBytes(US_ASCII));
            private boolean looked;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = first.read(b, off, len);
                if (n > 0) {
                    return n;
                }
                if (!looked) {
                    looked = true;
                    seenMidway.add(files(root)); // what a reader of the directory sees right now
                }
                return second.read(b, off, len);
            }
        };
        try (DirectoryDownstream downstream = new DirectoryDownstream(root);
                DownstreamTransaction t = downstream.open(new Envelope("a@example.com", false, false, -1))) {
            t.recipient("b@example.org");
            assertEquals(250, t.data(HEADERS, slow).code());
        }
        List<Path> midway = seenMidway.get(0);
        assertEquals(1, midway.size());
        assertTrue(midway.get(0).getFileName().toString().startsWith("."), "only a hidden temporary file: " + midway);
        assertFalse(midway.get(0).getFileName().toString().endsWith(".eml"));
        List<Path> after = files(root);
        assertEquals(1, after.size());
        assertTrue(after.get(0).getFileName().toString().endsWith(".eml"));
    }

    @Test
    void aClientVanishingMidDataLeavesNoFileAndTheErrorIsRethrown() throws Exception {
        IOException vanished = new IOException("client vanished");
        try (DirectoryDownstream downstream = new DirectoryDownstream(root);
                DownstreamTransaction t = downstream.open(new Envelope("a@example.com", false, false, -1))) {
            t.recipient("b@example.org");
            InputStream failing = new SmtpDownstreamTest.FailingAfter("Subject: x\r\n\r\npart".getBytes(US_ASCII), vanished);
            assertSame(vanished, assertThrows(IOException.class, () -> t.data(HEADERS, failing)));
        }
        assertEquals(List.of(), files(root));
    }

    @Test
    void aDirectoryThatCannotBeWrittenGives451AndTheMessageIsStillReadToItsEnd() throws Exception {
        Path dir = root.resolve("gone");
        InputStream message = new ByteArrayInputStream("Subject: x\r\n\r\nbody\r\n".getBytes(US_ASCII));
        try (DirectoryDownstream downstream = new DirectoryDownstream(dir);
                DownstreamTransaction t = downstream.open(new Envelope("a@example.com", false, false, -1))) {
            t.recipient("b@example.org");
            Files.delete(dir); // the disk went away under us
            Files.writeString(dir, "a file where the directory was");
            DownstreamRefusal refusal = assertThrows(DownstreamRefusal.class, () -> t.data(HEADERS, message));
            assertEquals(new Reply(451, "4.3.0 cannot store the message, try again later"), refusal.reply());
            assertEquals(DownstreamRefusal.Kind.STORAGE, refusal.kind());
            assertFalse(downstream.isReachable());
        }
        assertEquals(-1, message.read());
    }

    @Test
    void twoMessagesBecomeTwoFiles() throws Exception {
        try (DirectoryDownstream downstream = new DirectoryDownstream(root)) {
            for (int i = 0; i < 2; i++) {
                try (DownstreamTransaction t = downstream.open(new Envelope("a@example.com", false, false, -1))) {
                    t.recipient("b@example.org");
                    t.data(HEADERS, new ByteArrayInputStream(("Subject: " + i + "\r\n\r\nx\r\n").getBytes(US_ASCII)));
                }
            }
            assertTrue(downstream.isReachable());
        }
        assertEquals(2, files(root).size());
    }
}
