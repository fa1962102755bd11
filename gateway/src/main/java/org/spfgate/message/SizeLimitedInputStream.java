package org.spfgate.message;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The client's message, counted as it is read: more than {@code limit} bytes throws
 * {@link MessageTooLargeException}. SubEtha advertises SIZE but does not count the bytes of
 * the message stream itself, so this is the only limit; RFC 1870 section 6 lets the server refuse at DATA.
 */
public final class SizeLimitedInputStream extends FilterInputStream {

    private final long limit;
    private long count;

    public SizeLimitedInputStream(InputStream in, long limit) {
        super(in);
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0: " + limit);
        }
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(n);
        if (skipped > 0) {
            counted(skipped);
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Bytes read so far. */
    public long count() {
        return count;
    }

    private void counted(long n) throws MessageTooLargeException {
        count += n;
        if (count > limit) {
            throw new MessageTooLargeException(limit);
        }
    }
}
