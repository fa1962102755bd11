package org.spfgate.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

class SizeLimitedInputStreamTest {

    @Test
    void aMessageOfExactlyTheLimitIsReadWhole() throws IOException {
        byte[] message = new byte[1000];
        SizeLimitedInputStream in = new SizeLimitedInputStream(new ByteArrayInputStream(message), 1000);
        assertArrayEquals(message, in.readAllBytes());
        assertEquals(1000, in.count());
    }

    @Test
    void oneByteMoreThanTheLimitThrowsMessageTooLarge() {
        SizeLimitedInputStream in = new SizeLimitedInputStream(new ByteArrayInputStream(new byte[1001]), 1000);
        MessageTooLargeException e = assertThrows(MessageTooLargeException.class, in::readAllBytes);
        assertEquals("message larger than 1000 bytes", e.getMessage());
        assertEquals(1000, e.limit());
    }

    @Test
    void singleByteReadsAreCountedToo() throws IOException {
        SizeLimitedInputStream in = new SizeLimitedInputStream(new ByteArrayInputStream(new byte[3]), 2);
        in.read();
        in.read();
        assertThrows(MessageTooLargeException.class, in::read);
    }
}
