package org.spfgate.testhost;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A port that was free on 127.0.0.1 a moment ago, for a program that must be told its port up
 * front (a separate process, Postfix, a config file). Where the gateway itself can be given
 * port 0, tests do that instead.
 */
public final class FreePort {

    private FreePort() {
    }

    public static int onLoopback() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }
}
