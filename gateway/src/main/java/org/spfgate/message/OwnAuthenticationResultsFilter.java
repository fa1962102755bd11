package org.spfgate.message;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Streams the client's message (after dot-unstuffing) with every {@code Authentication-Results}
 * field of the header section removed whose authserv-id is our host name (RFC 8601 section 5:
 * a forged claim to be us), folded continuation lines included. Every other byte passes
 * unchanged; the body is never touched; foreign Authentication-Results fields stay. A field
 * longer than {@link #MAX_FIELD_BYTES} that starts with {@code Authentication-Results:} and
 * whose authserv-id cannot be read within the limit is dropped (safer than letting a forged
 * one through); other over-long fields pass through.
 *
 * <p>The header section ends at the first empty line (CRLF or a lone LF); a message that starts
 * with an empty line has none. Lines that are not fields are passed through and do not end it.
 * Only A-R candidates are buffered; everything else streams. Control characters in a field
 * name or before the authserv-id are read past, as a lenient reader downstream might: a forged
 * field must not slip through by hiding our name or id behind a form feed.
 */
public final class OwnAuthenticationResultsFilter extends InputStream {

    /** How much of one header field we hold in memory to decide about it. */
    public static final int MAX_FIELD_BYTES = 64 * 1024;

    private static final byte[] NAME = "authentication-results".getBytes(StandardCharsets.US_ASCII);

    private enum State {
        /** At the first byte of a header-section line. */
        LINE_START,
        /** A CR at line start: an empty line if LF follows. */
        CR_AT_LINE_START,
        /** Reading a field name that may still be Authentication-Results. */
        NAME,
        /** Passing the rest of a line through. */
        PASS_LINE,
        /** Buffering an Authentication-Results field. */
        AR_FIELD,
        /** After a buffered line's LF: a continuation line, or the field is complete. */
        AR_LINE_END,
        /** Dropping the rest of a line of our own (forged) field. */
        DROP_LINE,
        /** After a dropped line's LF: a continuation line is dropped too. */
        DROP_LINE_END,
        /** After the header section: every byte passes. */
        BODY,
        DONE
    }

    private enum Claim { OURS, FOREIGN, UNREADABLE }

    private final InputStream in;
    private final String ownId;

    // One page each: the reader upstream hands over at most that much at a time (DATA is read in
    // 4 KiB pieces), and every message allocates these anew.
    private final byte[] input = new byte[4096];
    private int inPos;
    private int inLimit;
    private boolean inEof;

    private byte[] output = new byte[4096];
    private int outPos;
    private int outLimit;

    private byte[] field = new byte[256];
    private int fieldLength;
    private int nameMatched;

    private State state = State.LINE_START;

    /** @param authservId our host name; compared case-insensitively, trailing dot ignored */
    public OwnAuthenticationResultsFilter(InputStream message, String authservId) {
        this.in = Objects.requireNonNull(message, "message");
        this.ownId = normaliseId(authservId);
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return output[outPos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (outPos == outLimit && state == State.BODY && inPos == inLimit) {
            return in.read(b, off, len); // the body streams straight through
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, outLimit - outPos);
        System.arraycopy(output, outPos, b, off, n);
        outPos += n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return outLimit - outPos;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Makes output available; false at the end of the message. */
    private boolean fill() throws IOException {
        while (outPos == outLimit) {
            if (state == State.DONE) {
                return false;
            }
            outPos = 0;
            outLimit = 0;
            step();
        }
        return true;
    }

    /** Consumes some input and produces zero or more output bytes. */
    private void step() throws IOException {
        if (inPos == inLimit && !refill()) {
            atEndOfInput();
            state = State.DONE;
            return;
        }
        while (inPos < inLimit && outLimit < 4096) {
            byte b = input[inPos];
            switch (state) {
                case BODY -> {
                    emit(input, inPos, inLimit - inPos);
                    inPos = inLimit;
                }
                case LINE_START -> {
                    if (b == '\n') {
                        emit(b);
                        inPos++;
                        state = State.BODY; // RFC 5322 2.1: the empty line ends the header section
                    } else if (b == '\r') {
                        emit(b);
                        inPos++;
                        state = State.CR_AT_LINE_START;
                    } else if (b == ' ' || b == '\t') {
                        state = State.PASS_LINE; // continuation of a field we passed
                    } else {
                        fieldLength = 0;
                        nameMatched = 0;
                        state = State.NAME;
                    }
                }
                case CR_AT_LINE_START -> {
                    if (b == '\n') {
                        emit(b);
                        inPos++;
                        state = State.BODY;
                    } else {
                        state = State.PASS_LINE; // a bare CR: not an empty line
                    }
                }
                case NAME -> {
                    inPos++;
                    keep(b);
                    if (isControl(b) && b != '\r' && b != '\n') {
                        // Not in any field name (RFC 5322 2.2), but a lenient reader downstream may
                        // skip it and read the name around it: match as if it were not there.
                        if (fieldLength >= MAX_FIELD_BYTES) {
                            fieldLength = 0;
                            state = State.DROP_LINE; // endless, on a line that may be ours: drop
                        }
                    } else if (nameMatched < NAME.length) {
                        if (lower(b) == NAME[nameMatched]) {
                            nameMatched++;
                        } else {
                            notOurs(b);
                        }
                    } else if (b == ':') {
                        state = State.AR_FIELD;
                    } else if (b != ' ' && b != '\t') { // RFC 5322 4.5.1 obs: WSP before the colon
                        notOurs(b);
                    } else if (fieldLength >= MAX_FIELD_BYTES) {
                        fieldLength = 0; // endless WSP after our field's name: drop, the safe side
                        state = State.DROP_LINE;
                    }
                }
                case PASS_LINE -> {
                    int lf = indexOfLf(inPos);
                    int end = lf < 0 ? inLimit : lf + 1;
                    emit(input, inPos, end - inPos);
                    inPos = end;
                    if (lf >= 0) {
                        state = State.LINE_START;
                    }
                }
                case AR_FIELD -> {
                    int lf = indexOfLf(inPos);
                    int end = lf < 0 ? inLimit : lf + 1;
                    int room = MAX_FIELD_BYTES - fieldLength;
                    if (end - inPos > room) {
                        keep(input, inPos, room);
                        inPos += room;
                        overLimit();
                    } else {
                        keep(input, inPos, end - inPos);
                        inPos = end;
                        if (lf >= 0) {
                            state = State.AR_LINE_END;
                        }
                    }
                }
                case AR_LINE_END -> {
                    if (b == ' ' || b == '\t') {
                        state = State.AR_FIELD; // RFC 5322 2.2.3: folded continuation
                    } else {
                        decide(true);
                        state = State.LINE_START;
                    }
                }
                case DROP_LINE -> {
                    int lf = indexOfLf(inPos);
                    inPos = lf < 0 ? inLimit : lf + 1;
                    if (lf >= 0) {
                        state = State.DROP_LINE_END;
                    }
                }
                case DROP_LINE_END -> state = b == ' ' || b == '\t' ? State.DROP_LINE : State.LINE_START;
                case DONE -> throw new IllegalStateException("read after the end");
            }
        }
    }

    /** The field's name is not Authentication-Results: pass what we held and the rest of the line. */
    private void notOurs(byte last) {
        emit(field, 0, fieldLength);
        state = last == '\n' ? State.LINE_START : State.PASS_LINE;
    }

    /** The message ended: finish a field we were holding. */
    private void atEndOfInput() {
        switch (state) {
            case NAME -> emit(field, 0, fieldLength);
            case AR_FIELD, AR_LINE_END -> decide(true);
            default -> {
            }
        }
    }

    /** A whole (or, at the limit, a partial) Authentication-Results field: keep it or drop it. */
    private void decide(boolean complete) {
        Claim claim = claim(complete);
        if (claim == Claim.FOREIGN) {
            emit(field, 0, fieldLength);
        }
        fieldLength = 0;
    }

    /** The field outgrew the limit: decide on what we have, then stream or drop the rest. */
    private void overLimit() {
        Claim claim = claim(false);
        if (claim == Claim.FOREIGN) {
            emit(field, 0, fieldLength);
            state = State.PASS_LINE;
        } else {
            // ours, or an authserv-id hidden beyond the limit: dropping is the safe side
            state = State.DROP_LINE;
        }
        fieldLength = 0;
    }

    /**
     * RFC 8601 2.2: {@code "Authentication-Results:" [CFWS] authserv-id ...}; authserv-id is a
     * {@code value} (RFC 2045 token or quoted-string). Comments, folding white space and any other
     * control character before it are skipped.
     */
    private Claim claim(boolean complete) {
        int i = 0;
        while (field[i] != ':') {
            i++;
        }
        i++;
        int depth = 0;
        for (; i < fieldLength; i++) {
            byte b = field[i];
            if (depth > 0) {
                if (b == '\\') {
                    i++;
                } else if (b == '(') {
                    depth++;
                } else if (b == ')') {
                    depth--;
                }
            } else if (b == '(') {
                depth = 1;
            } else if (b != ' ' && !isControl(b)) {
                // Not only folding white space: any control character is skipped too. A lenient
                // reader downstream (one that strips form feeds, say) would see our id after it.
                break;
            }
        }
        if (i >= fieldLength) {
            return complete ? Claim.FOREIGN : Claim.UNREADABLE;
        }
        StringBuilder id = new StringBuilder();
        if (field[i] == '"') {
            boolean closed = false;
            for (i++; i < fieldLength; i++) {
                byte b = field[i];
                if (b == '\\' && i + 1 < fieldLength) {
                    id.append((char) (field[++i] & 0xff));
                } else if (b == '"') {
                    closed = true;
                    break;
                } else if (b != '\r' && b != '\n') {
                    id.append((char) (b & 0xff));
                }
            }
            if (!closed && !complete) {
                return Claim.UNREADABLE;
            }
        } else {
            for (; i < fieldLength && isTokenByte(field[i]); i++) {
                id.append((char) field[i]);
            }
            if (i == fieldLength && !complete) {
                return Claim.UNREADABLE;
            }
        }
        return normaliseId(id.toString()).equals(ownId) ? Claim.OURS : Claim.FOREIGN;
    }

    /** C0 controls and DEL: never part of a field name or an id, skipped by lenient readers. */
    private static boolean isControl(byte b) {
        return (b >= 0 && b < ' ') || b == 0x7f;
    }

    /** RFC 2045 5.1 token characters. */
    private static boolean isTokenByte(byte b) {
        return b > ' ' && b < 0x7f && "()<>@,;:\\\"/[]?=".indexOf(b) < 0;
    }

    private static String normaliseId(String id) {
        String n = id.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    private int indexOfLf(int from) {
        for (int i = from; i < inLimit; i++) {
            if (input[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private boolean refill() throws IOException {
        if (inEof) {
            return false;
        }
        int n;
        do {
            n = in.read(input, 0, input.length);
        } while (n == 0);
        if (n < 0) {
            inEof = true;
            return false;
        }
        inPos = 0;
        inLimit = n;
        return true;
    }

    private void keep(byte b) {
        field = withRoom(field, fieldLength + 1);
        field[fieldLength++] = b;
    }

    private void keep(byte[] b, int off, int len) {
        field = withRoom(field, fieldLength + len);
        System.arraycopy(b, off, field, fieldLength, len);
        fieldLength += len;
    }

    private void emit(byte b) {
        output = withRoom(output, outLimit + 1);
        output[outLimit++] = b;
    }

    private void emit(byte[] b, int off, int len) {
        output = withRoom(output, outLimit + len);
        System.arraycopy(b, off, output, outLimit, len);
        outLimit += len;
    }

    /** The buffer itself when {@code needed} bytes fit, else a copy at least twice as large. */
    private static byte[] withRoom(byte[] buffer, int needed) {
        return needed <= buffer.length ? buffer : Arrays.copyOf(buffer, Math.max(buffer.length * 2, needed));
    }
}
