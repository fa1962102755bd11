package org.spfgate.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private Postfix instance (Debian's package) on a loopback port, standing in for the
 * organisation's internal server: it accepts mail for one domain and delivers every recipient
 * into one Maildir under its own directory. Needs root (Postfix's master runs as root and drops
 * privileges) and {@code postfix} installed; {@code .ci/run} installs it.
 *
 * <p>Postfix only runs a non-default config directory that the default instance's
 * {@code main.cf} lists in {@code alternate_config_directories}; with Debian's "No
 * configuration" install there is no default {@code main.cf}, so we write a minimal one.
 */
final class PostfixInternalServer implements AutoCloseable {

    /** Fixed, so that the default instance's alternate_config_directories can name it. */
    static final Path DIR = Path.of("/tmp/spfgate-postfix-e2e");
    private static final Path DEFAULT_MAIN_CF = Path.of("/etc/postfix/main.cf");

    private final int port;
    private final Path maildirNew = DIR.resolve("mail/Maildir/new");

    private PostfixInternalServer(int port) {
        this.port = port;
    }

    static boolean installed() {
        return Files.isExecutable(Path.of("/usr/sbin/postfix"));
    }

    static PostfixInternalServer start(String domain) throws IOException, InterruptedException {
        int port = freePort();
        run("/usr/sbin/postfix", "-c", DIR.toString(), "stop"); // a leftover from an earlier run
        deleteTree(DIR);
        Files.createDirectories(DIR.resolve("queue"));
        Files.createDirectories(DIR.resolve("data"));
        Files.createDirectories(DIR.resolve("mail"));
        allowAlternateConfigDirectory();
        UserPrincipalLookupService users = DIR.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(DIR.resolve("data"), users.lookupPrincipalByName("postfix"));
        run("chown", "65534:65534", DIR.resolve("mail").toString());

        String master = Files.readString(Path.of("/etc/postfix/master.cf"))
                .replaceFirst("(?m)^smtp\\s+inet\\s.*$", "127.0.0.1:" + port + " inet n - n - - smtpd");
        Files.writeString(DIR.resolve("master.cf"), master);
        Files.writeString(DIR.resolve("main.cf"), String.join("\n",
                "compatibility_level = 3.6",
                "queue_directory = " + DIR.resolve("queue"),
                "data_directory = " + DIR.resolve("data"),
                "mail_owner = postfix",
                "inet_interfaces = 127.0.0.1",
                "inet_protocols = ipv4",
                "myhostname = internal." + domain,
                "mydestination =",
                "mynetworks = 127.0.0.0/8",
                "alias_maps =",
                "alias_database =",
                "smtputf8_enable = yes",
                "virtual_mailbox_domains = " + domain,
                "virtual_mailbox_base = " + DIR.resolve("mail"),
                "virtual_mailbox_maps = static:Maildir/",
                "virtual_uid_maps = static:65534",
                "virtual_gid_maps = static:65534",
                // Logging to a file avoids needing syslog; postfix check insists on the prefix.
                "maillog_file = " + DIR.resolve("maillog"),
                "maillog_file_prefixes = " + DIR,
                // Never look anything up outside loopback: bounces to senders are not wanted here.
                "notify_classes =",
                "bounce_queue_lifetime = 0",
                "disable_dns_lookups = yes",
                "smtp_dns_support_level = disabled",
                ""));
        run("/usr/sbin/postfix", "-c", DIR.toString(), "start");
        PostfixInternalServer server = new PostfixInternalServer(port);
        server.awaitListening(Duration.ofSeconds(20));
        return server;
    }

    int port() {
        return port;
    }

    /** Files delivered into the Maildir so far, waiting up to {@code timeout} for {@code count}. */
    List<Path> awaitDelivered(int count, Duration timeout) throws IOException, InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (true) {
            List<Path> files = delivered();
            if (files.size() >= count || Instant.now().isAfter(end)) {
                return files;
            }
            Thread.sleep(100);
        }
    }

    List<Path> delivered() throws IOException {
        if (!Files.isDirectory(maildirNew)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(maildirNew)) {
            return s.sorted().toList();
        }
    }

    String log() throws IOException {
        Path log = DIR.resolve("maillog");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("/usr/sbin/postfix", "-c", DIR.toString(), "stop");
    }

    private void awaitListening(Duration timeout) throws InterruptedException, IOException {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("Postfix did not listen on 127.0.0.1:" + port + "; log:\n" + log());
    }

    private static void allowAlternateConfigDirectory() throws IOException {
        String line = "alternate_config_directories = " + DIR;
        if (!Files.exists(DEFAULT_MAIN_CF)) {
            Files.writeString(DEFAULT_MAIN_CF, "# written by spfgate's tests: lets them run a private instance\n"
                    + "compatibility_level = 3.6\n" + line + "\n");
            return;
        }
        String existing = Files.readString(DEFAULT_MAIN_CF);
        if (!existing.contains(DIR.toString())) {
            if (existing.contains("alternate_config_directories")) {
                throw new IOException(DEFAULT_MAIN_CF + " sets alternate_config_directories without " + DIR);
            }
            Files.writeString(DEFAULT_MAIN_CF, existing + "\n" + line + "\n");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " hung");
        }
        if (p.exitValue() != 0 && !List.of(command).contains("stop")) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(all::add);
        }
        for (Path p : all) {
            try {
                Files.delete(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
