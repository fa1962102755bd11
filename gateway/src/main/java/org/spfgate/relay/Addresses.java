package org.spfgate.relay;

/**
 * The last guard before an address is written into a command line to the internal server: the
 * session validates addresses, but a CR or LF here would inject commands downstream.
 */
final class Addresses {

    private Addresses() {
    }

    /** No control characters (RFC 5321 section 4.1.2 allows none in a path). */
    static boolean isSafe(String address) {
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
