package org.spfgate.listener;

import java.io.IOException;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.subethamail.smtp.server.SSLSocketCreator;

/**
 * Turns an accepted plain socket into the server side of a TLS session after STARTTLS.
 * TLS 1.2 and 1.3 only (RFC 8996 deprecates 1.0 and 1.1), with the JDK's default cipher suites
 * — SubEtha's own creator enables every supported protocol and suite, and looks up the
 * client's host name in reverse DNS.
 */
final class TlsSocketCreator implements SSLSocketCreator {

    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final ServerTls pair;

    TlsSocketCreator(ServerTls pair) {
        this.pair = pair;
    }

    /** Each handshake with the certificate current at that moment (renewals apply without a restart). */
    @Override
    public SSLSocket createSSLSocket(Socket plain) throws IOException {
        SSLSocket tls = (SSLSocket) pair.context().getSocketFactory()
                .createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        tls.setUseClientMode(false);
        List<String> supported = Arrays.asList(tls.getSupportedProtocols());
        tls.setEnabledProtocols(PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new));
        return tls;
    }
}
