package org.spfgate.listener;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.spfgate.config.IpLiteral;

/**
 * Reads the PROXY protocol header (HAProxy's proxy-protocol.txt, version 1 text and version 2
 * binary) that a load balancer sends before the first SMTP byte, and nothing more: it reads
 * exactly the header's octets, however the network splits them, so the client's first command —
 * when it arrives in the same segment — stays in the stream for the SMTP reader.
 *
 * <p>SubEtha's own reader was not used: it decides the version from whatever its first read
 * returns (a header split after three octets was refused), its look-ahead buffer swallowed the
 * bytes after the header, and its version 2 length sign-extends (a 128-255 octet block of TLVs
 * was refused).
 *
 * @param source the original client; {@code null} for a {@code LOCAL} (v2) or {@code UNKNOWN} (v1)
 *               header, which carries no client address
 */
record ProxyHeader(InetSocketAddress source) {

    /** proxy-protocol.txt 2.1: "a 108-byte buffer is always enough to store all the line and a trailing zero". */
    static final int MAX_V1_LENGTH = 107;
    /** The address block plus the TLVs we are willing to skip; HAProxy's own TLVs fit easily. */
    static final int MAX_V2_PAYLOAD = 2048;

    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    /** proxy-protocol.txt 2.2: the 12-octet signature. */
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** A header that is not one; the message says why, for the log (never for the client). */
    static final class Malformed extends IOException {
        Malformed(String message) {
            super(message);
        }
    }

    /**
     * Reads one header from the start of {@code in}, blocking until its last octet has arrived.
     *
     * @throws Malformed   when the bytes are not a valid v1 or v2 header
     * @throws EOFException when the connection ends inside the header
     */
    static ProxyHeader read(InputStream in) throws IOException {
        int first = next(in);
        if (first == V1_PREFIX[0]) {
            return readV1(in);
        }
        if (first == (V2_SIGNATURE[0] & 0xff)) {
            return readV2(in);
        }
        throw new Malformed("not a PROXY protocol header (first octet 0x%02x)".formatted(first));
    }

    boolean isLocal() {
        return source == null;
    }

    /** proxy-protocol.txt 2.1: {@code PROXY TCP4|TCP6 src dst sport dport CRLF}, or {@code PROXY UNKNOWN ... CRLF}. */
    private static ProxyHeader readV1(InputStream in) throws IOException {
        byte[] line = new byte[MAX_V1_LENGTH];
        line[0] = V1_PREFIX[0];
        int length = 1;
        while (true) {
            if (length == MAX_V1_LENGTH) {
                throw new Malformed("PROXY v1 line longer than " + MAX_V1_LENGTH + " octets");
            }
            int b = next(in);
            line[length++] = (byte) b;
            if (length <= V1_PREFIX.length && b != V1_PREFIX[length - 1]) {
                throw new Malformed("not a PROXY protocol header");
            }
            if (b == '\n') {
                break;
            }
        }
        if (line[length - 2] != '\r') {
            throw new Malformed("PROXY v1 line not ended by CRLF");
        }
        String text = new String(line, V1_PREFIX.length, length - V1_PREFIX.length - 2, StandardCharsets.US_ASCII);
        if (text.equals("UNKNOWN") || text.startsWith("UNKNOWN ")) {
            return new ProxyHeader(null); // the rest of the line is to be ignored (2.1)
        }
        String[] fields = text.split(" ", -1);
        if (fields.length != 5) {
            throw new Malformed("PROXY v1 line needs family, two addresses and two ports");
        }
        boolean v4 = switch (fields[0]) {
            case "TCP4" -> true;
            case "TCP6" -> false;
            default -> throw new Malformed("PROXY v1 family must be TCP4, TCP6 or UNKNOWN");
        };
        InetAddress source = v1Address(fields[1], v4);
        v1Address(fields[2], v4);
        int port = v1Port(fields[3]);
        v1Port(fields[4]);
        return new ProxyHeader(new InetSocketAddress(source, port));
    }

    private static InetAddress v1Address(String text, boolean v4) throws Malformed {
        if (v4 ? !IpLiteral.isIPv4(text) || hasLeadingZero(text) : !IpLiteral.isIPv6(text)) {
            throw new Malformed("PROXY v1 address is not an IPv" + (v4 ? 4 : 6) + " literal");
        }
        return IpLiteral.parse(text); // a literal: never looked up
    }

    /** 2.1: "Heading zeroes are not permitted in front of numbers". */
    private static boolean hasLeadingZero(String dotted) {
        for (String part : dotted.split("\\.")) {
            if (part.length() > 1 && part.charAt(0) == '0') {
                return true;
            }
        }
        return false;
    }

    private static int v1Port(String text) throws Malformed {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || (text.length() > 1 && text.charAt(0) == '0') || Integer.parseInt(text) > 65535) {
            throw new Malformed("PROXY v1 port is not a number 0-65535");
        }
        return Integer.parseInt(text);
    }

    /** proxy-protocol.txt 2.2: signature, version and command, family and transport, length, addresses, TLVs. */
    private static ProxyHeader readV2(InputStream in) throws IOException {
        byte[] fixed = new byte[16];
        fixed[0] = V2_SIGNATURE[0];
        readFully(in, fixed, 1, 15);
        if (!Arrays.equals(fixed, 0, V2_SIGNATURE.length, V2_SIGNATURE, 0, V2_SIGNATURE.length)) {
            throw new Malformed("not a PROXY protocol header");
        }
        int versionCommand = fixed[12] & 0xff;
        if (versionCommand >> 4 != 2) {
            throw new Malformed("PROXY v2 header with version " + (versionCommand >> 4));
        }
        int command = versionCommand & 0x0f;
        if (command > 1) {
            throw new Malformed("PROXY v2 command " + command + " is neither LOCAL nor PROXY");
        }
        int family = (fixed[13] & 0xff) >> 4;
        int transport = fixed[13] & 0x0f;
        int length = (fixed[14] & 0xff) << 8 | (fixed[15] & 0xff);
        if (family > 3 || transport > 2) {
            throw new Malformed("PROXY v2 family or transport unknown");
        }
        if (length > MAX_V2_PAYLOAD) {
            throw new Malformed("PROXY v2 header longer than " + MAX_V2_PAYLOAD + " octets");
        }
        byte[] payload = new byte[length];
        readFully(in, payload, 0, length);
        // LOCAL: the proxy's own connection (a health check); UNSPEC and UNIX: no IP to use (2.2)
        if (command == 0 || family == 0 || family == 3) {
            return new ProxyHeader(null);
        }
        int addressLength = family == 1 ? 4 : 16;
        if (length < 2 * addressLength + 4) {
            throw new Malformed("PROXY v2 address block of " + length + " octets is too short");
        }
        try {
            InetAddress source = InetAddress.getByAddress(Arrays.copyOfRange(payload, 0, addressLength));
            int port = (payload[2 * addressLength] & 0xff) << 8 | (payload[2 * addressLength + 1] & 0xff);
            return new ProxyHeader(new InetSocketAddress(source, port));
        } catch (UnknownHostException impossible) {
            throw new Malformed("PROXY v2 address of a wrong length");
        }
    }

    private static int next(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed inside the PROXY protocol header");
        }
        return b;
    }

    private static void readFully(InputStream in, byte[] into, int offset, int length) throws IOException {
        if (in.readNBytes(into, offset, length) != length) {
            throw new EOFException("connection closed inside the PROXY protocol header");
        }
    }
}
