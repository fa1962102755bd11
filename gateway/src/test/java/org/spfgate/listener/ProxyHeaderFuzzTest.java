package org.spfgate.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.spfgate.testnet.OneOctetAtATime;

/**
 * Coverage-guided fuzzing of the PROXY protocol v1/v2 reader with whatever a load balancer (or
 * someone posing as one) might send first. The outcome is a header or an {@link IOException},
 * never another exception; it reads no octet past the header, and the network splitting the
 * bytes (here: one octet per read) changes nothing. A normal build replays the committed corpus
 * ({@code ProxyHeaderFuzzTestInputs/}); how to fuzz is in docs/fuzzing.md.
 */
class ProxyHeaderFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void headersAreReadExactlyOrRefused(byte[] input) {
        Outcome whole = read(new ByteArrayInputStream(input));
        Outcome split = read(new OneOctetAtATime(new ByteArrayInputStream(input)));
        assertEquals(whole, split);
        if (whole.header() != null) {
            assertTrue(whole.consumed() <= 16 + ProxyHeader.MAX_V2_PAYLOAD, () -> "consumed " + whole.consumed());
            if (input[0] == 'P') {
                assertTrue(whole.consumed() <= ProxyHeader.MAX_V1_LENGTH);
                assertEquals('\n', input[whole.consumed() - 1]);
            }
        }
    }

    /** What one read did: the header or the exception's class, and how many octets it took. */
    private record Outcome(ProxyHeader header, Class<?> refusal, int consumed) {
    }

    private static Outcome read(InputStream in) {
        CountingStream counted = new CountingStream(in);
        try {
            return new Outcome(ProxyHeader.read(counted), null, counted.count);
        } catch (IOException refused) {
            return new Outcome(null, refused.getClass(), counted.count);
        }
    }

    private static final class CountingStream extends FilterInputStream {
        int count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(0, n);
            return n;
        }
    }
}
