package org.spfgate.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DotStuffingOutputStreamTest {

    private static String stuff(String message, int chunk) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DotStuffingOutputStream out = new DotStuffingOutputStream(wire);
        byte[] bytes = message.getBytes(US_ASCII);
        for (int i = 0; i < bytes.length; i += chunk) {
            out.write(bytes, i, Math.min(chunk, bytes.length - i));
        }
        out.finish();
        return wire.toString(US_ASCII);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "plain message                | a\\r\\nb\\r\\n          | a\\r\\nb\\r\\n.\\r\\n",
        "lone dot line                | a\\r\\n.\\r\\nb\\r\\n   | a\\r\\n..\\r\\nb\\r\\n.\\r\\n",
        "leading dots                 | ..x\\r\\n.y\\r\\n       | ...x\\r\\n..y\\r\\n.\\r\\n",
        "dot inside a line            | a.b\\r\\n               | a.b\\r\\n.\\r\\n",
        "no final crlf                | a\\r\\nlast             | a\\r\\nlast\\r\\n.\\r\\n",
        "final bare cr completed      | a\\r                    | a\\r\\n.\\r\\n",
        "dot after a bare lf stuffed  | a\\n.\\r\\n              | a\\n..\\r\\n.\\r\\n",
        "empty message                |                         | .\\r\\n",
    })
    void linesStartingWithADotGetAnotherAndTheDataEndsWithCrLfDotCrLf(String name, String message, String wire)
            throws IOException {
        String in = unescape(message);
        String want = unescape(wire);
        for (int chunk : new int[] {1, 2, 3, 1000}) {
            if (in.isEmpty() && chunk > 1) {
                continue;
            }
            assertEquals(want, stuff(in, Math.max(1, chunk)), name + " in chunks of " + chunk);
        }
    }

    private static String unescape(String s) {
        return s == null ? "" : s.trim().replace("\\r", "\r").replace("\\n", "\n");
    }
}
