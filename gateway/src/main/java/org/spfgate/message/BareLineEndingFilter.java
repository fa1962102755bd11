package org.spfgate.message;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

import org.spfgate.config.ServerConfig.BareLineEndings;

/**
 * The client's dot-unstuffed DATA with bare CR and bare LF dealt with (docs/contract.md §3), before
 * anything reaches the internal server: {@code NORMALIZE} turns each bare CR and each bare LF
 * into CRLF, {@code REJECT} throws {@link BareLineEndingException} at the first one. A message
 * that has only CRLF line endings comes out byte for byte unchanged in both modes.
 *
 * <p>Why: RFC 5321 section 2.3.8 allows CR and LF only together as CRLF; a downstream that ends
 * lines on a bare LF would otherwise take {@code <LF>.<CR><LF>} for the end of data (SMTP
 * smuggling).
 */
public final class BareLineEndingFilter extends FilterInputStream {

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final BareLineEndings mode;
    /** One page: the dot-unstuffed DATA upstream comes in 4 KiB pieces; one buffer per message. */
    private final byte[] buffer = new byte[4096];
    private int position;
    private int limit;
    private boolean afterCr;   // the last byte given out was a CR from the input; its LF is awaited
    private boolean owedLf;    // a bare CR or LF became CRLF: the LF is still to be given out
    private long consumed;     // input bytes taken from the buffer, for the error message
    private boolean eof;

    public BareLineEndingFilter(InputStream in, BareLineEndings mode) {
        super(in);
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int p = off;
        int end = off + len;
        while (p < end) {
            if (owedLf) {
                b[p++] = LF;
                owedLf = false;
                continue;
            }
            if (position == limit) {
                // Block for more input only when nothing is ready for the caller yet.
                if (p > off || !fill()) {
                    if (eof && afterCr) {
                        // A CR as the very last byte is bare too.
                        afterCr = false;
                        bare(CR, consumed - 1);
                        owedLf = true;
                        continue;
                    }
                    break;
                }
            }
            if (!afterCr) {
                // The common case: a run of bytes that are neither CR nor LF, copied at once.
                int run = plainRun(Math.min(limit, position + (end - p)));
                if (run > 0) {
                    System.arraycopy(buffer, position, b, p, run);
                    position += run;
                    consumed += run;
                    p += run;
                    continue;
                }
            }
            byte c = buffer[position];
            if (afterCr) {
                afterCr = false;
                if (c != LF) {
                    // Bare CR: give out the LF it lacks, then look at c again.
                    bare(CR, consumed - 1);
                    owedLf = true;
                    continue;
                }
                position++;
                consumed++;
                b[p++] = LF;
                continue;
            }
            position++;
            consumed++;
            if (c == CR) {
                b[p++] = CR;
                afterCr = true;
            } else if (c == LF) {
                bare(LF, consumed - 1);
                b[p++] = CR;
                owedLf = true;
            } else {
                b[p++] = c;
            }
        }
        return p == off && eof ? -1 : p - off;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return (limit - position) + (owedLf ? 1 : 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** How many bytes from {@code position} on, before {@code until}, are neither CR nor LF. */
    private int plainRun(int until) {
        int i = position;
        while (i < until && buffer[i] != CR && buffer[i] != LF) {
            i++;
        }
        return i - position;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n;
        do {
            n = in.read(buffer, 0, buffer.length);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private void bare(byte which, long at) throws BareLineEndingException {
        if (mode == BareLineEndings.REJECT) {
            throw new BareLineEndingException((char) which, at);
        }
    }
}
