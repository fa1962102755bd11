package org.spfgate.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 5321 4.1.1.4 and 4.5.2: the end of data is only CRLF.CRLF, and every line is unstuffed. */
class DotTerminatedDataTest {

    private static String bytes(String escaped) {
        return escaped.replace("<CR>", "\r").replace("<LF>", "\n");
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "{0} is the message {1}")
    @CsvSource(delimiter = '|', value = {
        "abc<CR><LF>.<CR><LF>                 | abc<CR><LF>",
        ".<CR><LF>                            | ''",
        "..first line stuffed<CR><LF>.<CR><LF> | .first line stuffed<CR><LF>",
        "a<CR><LF>..b<CR><LF>.<CR><LF>         | a<CR><LF>.b<CR><LF>",
        "a<CR><LF>.b<CR><LF>.<CR><LF>          | a<CR><LF>b<CR><LF>",
        "a<LF>.<CR><LF>b<CR><LF>.<CR><LF>      | a<LF>.<CR><LF>b<CR><LF>",
        "a<CR>.<CR><LF>b<CR><LF>.<CR><LF>      | a<CR>.<CR><LF>b<CR><LF>",
        "a<LF>.<LF>b<CR><LF>.<CR><LF>          | a<LF>.<LF>b<CR><LF>",
        "a<CR><LF>.<CR>x<CR><LF>.<CR><LF>      | a<CR><LF><CR>x<CR><LF>",
        "a<CR><LF>.<CR><CR><LF>.<CR><LF>       | a<CR><LF><CR><CR><LF>",
        "a<CR><LF>.<LF>.<CR><LF>.<CR><LF>      | a<CR><LF><LF>.<CR><LF>",
        "a<CR><CR><LF>.<CR><LF>                | a<CR><CR><LF>",
    })
    void endsOnlyAtCrlfDotCrlfAndRemovesDotStuffing(String wire, String message) throws IOException {
        byte[] w = bytes(wire).getBytes(StandardCharsets.ISO_8859_1);
        // bulk reads on a mark/reset stream (SubEtha's buffered input)
        DotTerminatedData bulk = new DotTerminatedData(new ByteArrayInputStream(w));
        assertEquals(bytes(message), read(bulk));
        assertTrue(bulk.finished());
        // byte by byte on a stream without mark/reset, and with one-byte reads
        DotTerminatedData single = new DotTerminatedData(new java.io.FilterInputStream(new ByteArrayInputStream(w)) {
            @Override
            public boolean markSupported() {
                return false;
            }
        });
        StringBuilder out = new StringBuilder();
        for (int b; (b = single.read()) >= 0; ) {
            out.append((char) b);
        }
        assertEquals(bytes(message), out.toString());
    }

    @Test
    void neverReadsPastTheTerminatorSoPipelinedCommandsStayForTheCommandReader() throws IOException {
        InputStream connection = new java.io.BufferedInputStream(new ByteArrayInputStream(
                "body\r\n.\r\nMAIL FROM:<a@b.example>\r\n".getBytes(StandardCharsets.ISO_8859_1)), 8192);
        DotTerminatedData data = new DotTerminatedData(connection);
        assertEquals("body\r\n", read(data));
        assertEquals(-1, data.read());
        assertEquals("MAIL FROM:<a@b.example>\r\n", read(connection));
    }

    @Test
    void aConnectionEndingBeforeTheTerminatorIsAnError() {
        DotTerminatedData data = new DotTerminatedData(new ByteArrayInputStream(
                "half a message\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertThrows(EOFException.class, () -> read(data));
    }
}
