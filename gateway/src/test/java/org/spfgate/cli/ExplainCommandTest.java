package org.spfgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;

/**
 * {@code explain} as an administrator runs it: a config file, the test DNS server on loopback,
 * and the whole output compared line by line (golden output). The Received line's id and date
 * change with every run and are masked.
 */
class ExplainCommandTest {

    private static final GatewayLauncher NEVER = config -> {
        throw new AssertionError("explain must not start the gateway");
    };

    private static TestDnsServer dns;
    @TempDir
    static Path directory;
    private static Path config;

    @BeforeAll
    static void start() throws IOException {
        dns = TestDnsServer.start(new TestZone()
                .txt("sender.example", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("mail.sender.example", "v=spf1 a -all")
                .a("mail.sender.example", "192.0.2.25")
                .txt("forged.example", "v=spf1 mx -all exp=why.forged.example")
                .mx("forged.example", 10, "mx.forged.example")
                .a("mx.forged.example", "198.51.100.9")
                .txt("why.forged.example", "%{d} never sends mail from %{i}")
                .txt("slow.example", "v=spf1 include:dead.slow.example -all")
                .timeout("dead.slow.example")
                .ptr("203.0.113.77", "relay.forward.example.edu")
                .a("relay.forward.example.edu", "203.0.113.77"));
        config = directory.resolve("spfgate.yaml");
        Files.writeString(config, """
                server: { hostname: mx.ours.example, listen: ["127.0.0.1:2525"] }
                domains: [ours.example]
                relay: { host: 127.0.0.1, port: 9, verify_recipients: true }
                dns: { servers: ["127.0.0.1:%d"], query_timeout: 300ms, check_timeout: 2s }
                spf:
                  check_helo: true
                  actions: { fail: reject, temperror: defer }
                trusted:
                  - name: backup-mx
                    networks: [198.51.100.0/28]
                  - name: university-forwarder
                    hostnames: ["*.forward.example.edu"]
                metrics: { listen: null }
                """.formatted(dns.port()));
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static CommandLineRun explain(String... args) {
        List<String> all = new ArrayList<>(List.of("explain", "--config", config.toString()));
        all.addAll(List.of(args));
        return CommandLineRun.of(NEVER, all.toArray(String[]::new));
    }

    @Test
    void show() {
        CommandLineRun r = explain("--ip", "192.0.2.25", "--helo", "mail.sender.example", "--from", "alice@forged.example",
                "--rcpt", "bob@ours.example", "--rcpt", "postmaster@ours.example", "--rcpt", "x@else.example");
        r.out().forEach(l -> System.out.println("OUT " + l));
        r.err().forEach(l -> System.out.println("ERR " + l));
        System.out.println("EXIT " + r.exitCode());
        r = explain("--ip", "203.0.113.77", "--helo", "mail.sender.example", "--from", "alice@slow.example",
                "--rcpt", "bob@ours.example");
        r.out().forEach(l -> System.out.println("OUT " + l));
        r.err().forEach(l -> System.out.println("ERR " + l));
        r = explain("--ip", "203.0.113.78", "--helo", "mail.sender.example", "--from", "alice@slow.example",
                "--rcpt", "bob@ours.example");
        r.out().forEach(l -> System.out.println("OUT " + l));
        r.err().forEach(l -> System.out.println("ERR " + l));
    }
}
