package org.spfgate.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeldMessageTest {

    @TempDir
    Path dir;

    @Test
    void aSmallMessageStaysInMemory() throws IOException {
        byte[] message = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        try (HeldMessage held = HeldMessage.hold(new ByteArrayInputStream(message), 1024, dir)) {
            assertFalse(held.spilled());
            assertArrayEquals(message, held.open().readAllBytes());
            assertArrayEquals(message, held.open().readAllBytes());
        }
        assertEquals(0, files());
    }

    @Test
    void aLargeMessageGoesToAnOwnerOnlyFileRemovedOnClose() throws IOException {
        byte[] message = new byte[100_000];
        Arrays.fill(message, (byte) 'x');
        HeldMessage held = HeldMessage.hold(new ByteArrayInputStream(message), 10_000, dir);
        assertTrue(held.spilled());
        assertEquals(100_000, held.size());
        assertArrayEquals(message, held.open().readAllBytes());
        assertEquals(1, files());
        try (var listing = Files.list(dir)) {
            Path file = listing.findFirst().orElseThrow();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        held.close();
        assertEquals(0, files());
    }

    @Test
    void theHeadReadBeforeComesFirst() throws IOException {
        byte[] message = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        ByteArrayInputStream in = new ByteArrayInputStream(message);
        MessageHead head = MessageHead.read(in);
        try (HeldMessage rest = HeldMessage.hold(in, 1024, dir)) {
            assertArrayEquals("body\r\n".getBytes(StandardCharsets.US_ASCII), rest.open().readAllBytes());
            assertArrayEquals(message, rest.openAfter(head).readAllBytes());
        }
    }

    @Test
    void aClientLostMidMessageLeavesNoFile() {
        InputStream breaking = new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                if (sent++ > 50_000) {
                    throw new IOException("connection reset");
                }
                return 'x';
            }
        };
        IOException e = assertThrows(IOException.class, () -> HeldMessage.hold(breaking, 1000, dir));
        assertEquals("connection reset", e.getMessage());
        assertEquals(0, files());
    }

    private long files() {
        try (var listing = Files.list(dir)) {
            return listing.count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
