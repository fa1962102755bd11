package org.spfgate.e2e;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.spfgate.config.ConfigLoader;
import org.spfgate.listener.Gateway;

/**
 * A memory benchmark, not a test (SPEC section 8: 10,000 idle sessions in under 1 GiB): opens
 * {@code n} connections to the gateway, reads each greeting, and prints the resident memory of
 * this JVM (gateway and client sockets together) before and after.
 *
 * <pre>
 * java -Xmx256m -cp gateway/target/test-classes:gateway/target/classes:$(cat /tmp/cp.txt) \
 *      org.spfgate.e2e.IdleSessionsBench [n]
 * </pre>
 * Each connection costs two file descriptors in this process: {@code ulimit -n} must exceed 2n.
 */
public final class IdleSessionsBench {

    private IdleSessionsBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("spfgate-idle", ".log");
        try (Gateway gateway = Gateway.start(ConfigLoader.parse("""
                server:
                  hostname: mx.ours.test
                  listen: ["127.0.0.1:%d"]
                  max_connections: %d
                  max_connections_per_ip: %d
                domains: [ours.test]
                relay: { host: 127.0.0.1, port: 1, tls: none }
                dns: { servers: ["127.0.0.1:1"] }
                metrics: { listen: null }
                log: { file: "%s" }
                """.formatted(port, n + 10, n + 10, log), "idle bench"))) {
            System.gc();
            System.out.println("before: " + rss());
            List<Socket> clients = new ArrayList<>(n);
            byte[] greeting = new byte[64];
            for (int i = 0; i < n; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port));
                InputStream in = s.getInputStream();
                int read = in.read(greeting);
                if (read < 3 || greeting[0] != '2') {
                    throw new IllegalStateException("connection " + i + " not greeted: " + new String(greeting, 0, Math.max(0, read)));
                }
                clients.add(s);
            }
            System.gc();
            Thread.sleep(500);
            System.out.println(n + " idle sessions: " + rss());
            for (Socket s : clients) {
                s.close();
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String rss() throws Exception {
        return String.join(" ", Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM")).map(l -> l.replaceAll("\\s+", " ")).toList());
    }
}
