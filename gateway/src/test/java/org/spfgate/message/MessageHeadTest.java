package org.spfgate.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessageHeadTest {

    private static final String HEAD = "Received: from mail.example.com (mail.example.com [192.0.2.1])\r\n"
            + "\tby relay.example.org; Mon, 6 Jan 2025 10:00:00 +0000\r\n"
            + "Received: from older.example (older [198.51.100.1]) by mail.example.com\r\n"
            + "Subject: caf\u00e9\r\n"
            + "\r\n";

    @Test
    void readsTheHeaderBlockAndNotOneByteMore() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream((HEAD + "Body line\r\n").getBytes(StandardCharsets.UTF_8));
        MessageHead head = MessageHead.read(in);
        assertTrue(head.complete());
        assertArrayEquals(HEAD.getBytes(StandardCharsets.UTF_8), head.bytes());
        assertEquals("Body line\r\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void splitsFieldsKeepingFoldingAndOrder() throws IOException {
        MessageHead head = MessageHead.of(HEAD.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("Received", "Received", "Subject"),
                head.fields().stream().map(MessageHead.Field::name).toList());
        MessageHead.Field top = head.topmost("received").orElseThrow();
        assertEquals("Received: from mail.example.com (mail.example.com [192.0.2.1])\r\n"
                + "\tby relay.example.org; Mon, 6 Jan 2025 10:00:00 +0000", top.raw());
        assertEquals("from mail.example.com (mail.example.com [192.0.2.1])\tby relay.example.org; "
                + "Mon, 6 Jan 2025 10:00:00 +0000", top.value());
        assertEquals("caf\u00e9", head.topmost("Subject").orElseThrow().value());
        assertEquals(Optional.empty(), head.topmost("DKIM-Signature"));
    }

    @Test
    void aHeadBeyondTheBoundIsIncompleteAndKeepsWhatWasRead() throws IOException {
        byte[] big = ("X-Long: " + "a".repeat(100) + "\r\n\r\nbody").getBytes(StandardCharsets.US_ASCII);
        ByteArrayInputStream in = new ByteArrayInputStream(big);
        MessageHead head = MessageHead.read(in, 50);
        assertFalse(head.complete());
        assertEquals(50, head.length());
        assertEquals(big.length - 50, in.readAllBytes().length);
    }

    @Test
    void aMessageWithoutBodyEndsItsHead() throws IOException {
        MessageHead head = MessageHead.of("Subject: x\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(head.complete());
        assertEquals("x", head.topmost("subject").orElseThrow().value());
    }
}
