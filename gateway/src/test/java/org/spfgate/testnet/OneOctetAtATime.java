package org.spfgate.testnet;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A network that delivers one octet per segment: every read returns at most one byte. */
public final class OneOctetAtATime extends FilterInputStream {

    public OneOctetAtATime(InputStream in) {
        super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 1));
    }
}
