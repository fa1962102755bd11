package org.spfgate.relay;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The message on its way into the internal server's DATA: every line that starts with {@code .}
 * gets one more (RFC 5321 section 4.5.2), and {@link #finish} ends the message with CRLF (added
 * only if the message did not already end with one) and {@code .CRLF}. Nothing else changes.
 *
 * <p>A line is taken to start after any CR or LF, not only after CRLF: for the CRLF-only input
 * the {@link org.spfgate.message.BareLineEndingFilter} guarantees this is the same thing, and should a bare line
 * ending ever get here, a downstream that splits lines on it still cannot see an end of data.
 */
public final class DotStuffingOutputStream extends FilterOutputStream {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';
    private static final byte[] CRLF = {CR, LF};
    private static final byte[] END_OF_DATA = {DOT, CR, LF};

    private int previous = LF;  // the message starts at a line start
    private int beforePrevious = CR;
    private boolean empty = true;

    public DotStuffingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int runStart = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (c == DOT && (previous == LF || previous == CR)) {
                // Write up to and including this dot, then the dot again.
                out.write(b, runStart, i - runStart + 1);
                out.write(DOT);
                runStart = i + 1;
            }
            beforePrevious = previous;
            previous = c;
        }
        if (runStart < end) {
            out.write(b, runStart, end - runStart);
        }
        if (len > 0) {
            empty = false;
        }
    }

    /** Ends the message: a CRLF if it lacks one, then the end-of-data line. Does not close. */
    public void finish() throws IOException {
        if (!empty && !(beforePrevious == CR && previous == LF)) {
            out.write(previous == CR ? new byte[] {LF} : CRLF);
        }
        out.write(END_OF_DATA);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        // Never closes the connection's stream; the connection owns it.
        flush();
    }
}
