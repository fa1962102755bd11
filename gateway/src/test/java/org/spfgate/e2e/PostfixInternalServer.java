package org.spfgate.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.spfgate.testhost.FreePort;
import org.spfgate.testhost.LogFile;

/**
 * A private Postfix instance (Debian's package) on a loopback port, standing in for the
 * organisation's internal server: it accepts mail for one domain and delivers every recipient
 * into one Maildir. {@link #startBackupMx} makes one that plays the organisation's backup MX
 * instead: it accepts mail for the domain from anyone and relays it to a relayhost. Everything it has — {@code main.cf}, {@code master.cf}, queue, data, Maildir,
 * log — lives in a directory the test gives it, so several test runs can have one each at once.
 *
 * <p>It runs Postfix's {@code master(8)} directly ({@code master -c DIR -d}) rather than
 * {@code postfix start}: master reads only the configuration directory it is given, so the
 * machine's own {@code /etc/postfix/main.cf} is neither needed nor read nor written, whatever it
 * says (a multi-instance setup's {@code alternate_config_directories}, or no file at all). The
 * queue directories that {@code postfix start} would create are created here, with the owners
 * {@code postfix-files} gives them. Needs root (master runs as root and drops privileges).
 */
final class PostfixInternalServer implements AutoCloseable {

    static final String MASTER = "/usr/lib/postfix/sbin/master";
    /** master(8) runs in a session of its own so that, on SIGTERM, it can stop its process group. */
    private static final String SETSID = "/usr/bin/setsid";
    private static final String MASTER_CF = "/etc/postfix/master.cf";
    /** Queue directories Postfix's daemons write to, owned by the mail owner, mode 700. */
    private static final List<String> PRIVATE_QUEUES = List.of("active", "bounce", "corrupt", "defer",
            "deferred", "flush", "hold", "incoming", "private", "saved", "trace");

    private final Path dir;
    private final int port;
    private final Process master;

    private PostfixInternalServer(Path dir, int port, Process master) {
        this.dir = dir;
        this.port = port;
        this.master = master;
    }

    /** Programs {@link #start} needs, for {@code ThirdPartyTools.require}. */
    static String[] programs() {
        return new String[] {MASTER, SETSID};
    }

    /**
     * Starts an instance in {@code tempDir/postfix} on a free loopback port, delivering mail for
     * {@code domain}. {@code tempDir} is a temporary directory of the test's own (JUnit's
     * {@code @TempDir}); it is made traversable by other users (mode 711), since Postfix's
     * daemons run as {@code postfix} and deliver as {@code nobody}.
     */
    static PostfixInternalServer start(Path tempDir, String domain) throws IOException, InterruptedException {
        return startWithSettings(tempDir, domain, List.of());
    }

    /**
     * As {@link #start(Path, String)}, with {@code settings} ({@code key = value} lines of
     * main.cf, e.g. an administrator's) replacing the same keys of the internal server's own, or
     * added to them.
     */
    static PostfixInternalServer startWithSettings(Path tempDir, String domain, List<String> settings)
            throws IOException, InterruptedException {
        Path mail = tempDir.resolve("postfix").resolve("mail");
        List<String> role = new ArrayList<>(List.of(
                "myhostname = internal." + domain,
                "mynetworks = 127.0.0.0/8",
                "virtual_mailbox_domains = " + domain,
                "virtual_mailbox_base = " + mail,
                "virtual_mailbox_maps = static:Maildir/",
                "virtual_uid_maps = static:65534",
                "virtual_gid_maps = static:65534"));
        for (String setting : settings) {
            String key = setting.substring(0, setting.indexOf('=')).strip();
            role.removeIf(line -> line.startsWith(key + " ="));
            role.add(setting);
        }
        return start(tempDir, "postfix", role);
    }

    /**
     * Starts an instance in {@code tempDir/postfix-backup} that plays a backup MX for
     * {@code domain}: it accepts mail for it from any client, without any SPF check of its own,
     * queues it, and relays it to {@code relayhost} ({@code [127.0.0.1]:port}: no DNS) from
     * 127.0.0.1. No reverse lookups: its Received field says {@code (unknown [IP])}.
     */
    static PostfixInternalServer startBackupMx(Path tempDir, String domain, String relayhost)
            throws IOException, InterruptedException {
        return start(tempDir, "postfix-backup", List.of(
                "myhostname = backup." + domain,
                "mynetworks = 127.0.0.1/32",
                "relay_domains = " + domain,
                "relayhost = " + relayhost,
                "smtp_bind_address = 127.0.0.1",
                "smtpd_peername_lookup = no",
                "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination"));
    }

    /** {@code role}: the main.cf settings that make it an internal server or a backup MX. */
    private static PostfixInternalServer start(Path tempDir, String name, List<String> role)
            throws IOException, InterruptedException {
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwx--x--x"));
        Path dir = Files.createDirectory(tempDir.resolve(name));
        int port = FreePort.onLoopback();
        Path queue = dir.resolve("queue");
        Path data = dir.resolve("data");
        Path mail = dir.resolve("mail");
        Files.createDirectories(queue.resolve("pid"));
        Files.createDirectories(data);
        Files.createDirectories(mail);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        createQueueDirectories(queue, data);
        Files.setOwner(mail, users(dir).lookupPrincipalByName("nobody"));

        // Debian's master.cf runs several services chrooted into the queue directory, which would
        // need copies of /etc files there; a test instance runs them all unchrooted.
        String masterCf = Files.readString(Path.of(MASTER_CF))
                .replaceAll("(?m)^(\\S+\\s+(?:inet|unix|unix-dgram|fifo|pass)\\s+\\S+\\s+\\S+\\s+)\\S+", "$1n")
                .replaceFirst("(?m)^smtp\\s+inet\\s.*$", "127.0.0.1:" + port + " inet n - n - - smtpd");
        Files.writeString(dir.resolve("master.cf"), masterCf);
        Files.writeString(dir.resolve("main.cf"), String.join("\n",
                "compatibility_level = 3.6",
                "queue_directory = " + queue,
                "data_directory = " + data,
                "mail_owner = postfix",
                "inet_interfaces = 127.0.0.1",
                "inet_protocols = ipv4",
                "mydestination =",
                "alias_maps =",
                "alias_database =",
                "smtputf8_enable = yes",
                String.join("\n", role),
                // Logging to a file avoids needing syslog; Postfix insists on the prefix.
                "maillog_file = " + dir.resolve("maillog"),
                "maillog_file_prefixes = " + dir,
                // Never look anything up outside loopback: bounces to senders are not wanted here.
                "notify_classes =",
                "bounce_queue_lifetime = 0",
                "disable_dns_lookups = yes",
                "smtp_dns_support_level = disabled",
                ""));
        Process master = new ProcessBuilder(SETSID, MASTER, "-c", dir.toString(), "-d")
                .redirectErrorStream(true).redirectOutput(dir.resolve("master.out").toFile()).start();
        PostfixInternalServer server = new PostfixInternalServer(dir, port, master);
        try {
            server.awaitStarted(Duration.ofSeconds(30));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
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
        Path maildirNew = dir.resolve("mail/Maildir/new");
        if (!Files.isDirectory(maildirNew)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(maildirNew)) {
            return s.sorted().toList();
        }
    }

    /** Postfix's log so far. */
    String log() {
        return new LogFile(dir.resolve("maillog")).text();
    }

    /**
     * SIGTERM to master, which passes it to every Postfix process it started; returns when all of
     * them have exited, so that nothing writes into the directory afterwards.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        List<ProcessHandle> processes = new java.util.ArrayList<>(master.descendants().toList());
        processes.add(master.toHandle());
        master.destroy();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ProcessHandle p : processes) {
            try {
                p.onExit().get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                processes.forEach(ProcessHandle::destroyForcibly);
                throw new IOException("Postfix did not stop within 30 s of SIGTERM (" + p + "); log:\n" + log(), e);
            }
        }
    }

    /**
     * Waits for master's "daemon started" line, which it logs after it has bound the SMTP port
     * (a port taken meanwhile is a fatal error, and master exits).
     */
    private void awaitStarted(Duration timeout) throws IOException, InterruptedException {
        try {
            new LogFile(dir.resolve("maillog")).awaitLine(
                    l -> l.contains("postfix/master[" + master.pid() + "]: daemon started"), timeout, master::isAlive);
        } catch (AssertionError e) {
            throw new IOException("Postfix did not start on 127.0.0.1:" + port + ": " + e.getMessage()
                    + "\nmaster's own output:\n" + new LogFile(dir.resolve("master.out")).text(), e);
        }
    }

    /** As Postfix's {@code postfix-files} lays them out (what {@code postfix start} would create). */
    private static void createQueueDirectories(Path queue, Path data) throws IOException {
        UserPrincipalLookupService users = users(queue);
        var postfix = users.lookupPrincipalByName("postfix");
        GroupPrincipal postdrop = users.lookupPrincipalByGroupName("postdrop");
        for (String name : PRIVATE_QUEUES) {
            Path d = Files.createDirectories(queue.resolve(name));
            Files.setOwner(d, postfix);
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        }
        for (String name : List.of("maildrop", "public")) {
            Path d = Files.createDirectories(queue.resolve(name));
            Files.setOwner(d, postfix);
            Files.getFileAttributeView(d, PosixFileAttributeView.class).setGroup(postdrop);
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString(
                    name.equals("maildrop") ? "rwx-wx---" : "rwx--x---"));
        }
        Files.setOwner(data, postfix);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
    }

    private static UserPrincipalLookupService users(Path anyPath) {
        return anyPath.getFileSystem().getUserPrincipalLookupService();
    }
}
