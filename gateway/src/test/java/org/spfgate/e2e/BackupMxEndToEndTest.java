package org.spfgate.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.Gateway;
import org.spfgate.config.ConfigLoader;
import org.spfgate.testdns.TestDnsServer;
import org.spfgate.testdns.TestZone;
import org.spfgate.testhost.FreePort;
import org.spfgate.testhost.LogFile;
import org.spfgate.testhost.ThirdPartyTools;

/**
 * A real Postfix as our backup MX in front of spfgate, as an administrator would have it: swaks,
 * a forger at 127.0.0.2, hands a message from a sender whose SPF fails to the backup Postfix,
 * which accepts it (it checks no SPF), queues it, and relays it from 127.0.0.1 to spfgate
 * ({@code relayhost}). spfgate trusts 127.0.0.1 as {@code backup-mx} with {@code spf: through}:
 * the message is delivered — never refused, the backup MX would bounce it — and arrives at the
 * internal server (a second private Postfix) stamped {@code fail} for 127.0.0.2, the client the
 * backup MX's Received field names.
 */
class BackupMxEndToEndTest {

    @TempDir
    Path work;

    @Test
    void aForgedSenderRelayedByTheBackupMxArrivesStampedWithTheOriginalClientsFail() throws Exception {
        ThirdPartyTools.require(PostfixInternalServer.programs());
        ThirdPartyTools.require("/usr/bin/swaks");
        LogFile decisions = new LogFile(work.resolve("decisions.log"));
        int gatewayPort = FreePort.onLoopback();
        try (PostfixInternalServer internal = PostfixInternalServer.start(work, "ours.test");
                TestDnsServer dns = TestDnsServer.start(new TestZone()
                        .txt("victim.test", "v=spf1 ip4:192.0.2.0/24 -all"));
                Gateway gateway = Gateway.start(ConfigLoader.parse("""
                        server:
                          hostname: mx.ours.test
                          listen: ["127.0.0.1:%d"]
                        domains: [ours.test]
                        relay:
                          host: 127.0.0.1
                          port: %d
                          tls: none
                          timeouts: { connect: 5s, command: 30s, data: 60s }
                        dns:
                          servers: ["127.0.0.1:%d"]
                          query_timeout: 1s
                        trusted:
                          - name: backup-mx
                            networks: [127.0.0.1/32]
                            spf: through
                        metrics:
                          listen: null
                        log:
                          file: "%s"
                        """.formatted(gatewayPort, internal.port(), dns.port(), decisions.path()), "backup MX test"));
                PostfixInternalServer backup = PostfixInternalServer.startBackupMx(work, "ours.test",
                        "[127.0.0.1]:" + gatewayPort)) {
            Process p = new ProcessBuilder("/usr/bin/swaks", "--server", "127.0.0.1:" + backup.port(),
                    "--local-interface", "127.0.0.2", "--helo", "mail.forger.test", "--from", "ceo@victim.test",
                    "--to", "bob@ours.test", "--header", "Subject: urgent wire transfer")
                    .redirectErrorStream(true).start();
            String swaks = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "swaks hung");
            assertTrue(swaks.contains("<-  250 2.0.0 Ok: queued as"), "the backup MX takes the message:\n" + swaks);

            List<Path> delivered = internal.awaitDelivered(1, Duration.ofSeconds(60));
            assertEquals(1, delivered.size(), () -> "relayed through spfgate to the internal server; backup MX log:\n"
                    + backup.log() + "\ninternal log:\n" + internal.log() + "\ndecisions:\n" + decisions.text());
            String mail = Files.readString(delivered.get(0), StandardCharsets.UTF_8).replaceAll("\n([ \t])", " ");
            assertTrue(mail.contains("\nAuthentication-Results: mx.ours.test; spf=fail (mx.ours.test: 127.0.0.2"
                    + " evaluated through trusted relay backup-mx 127.0.0.1, matched by networks 127.0.0.1/32)"
                    + " smtp.mailfrom=ceo@victim.test\n"), mail);
            assertTrue(mail.contains("\nReceived-SPF: fail (mx.ours.test: domain of ceo@victim.test does not designate"
                    + " 127.0.0.2 as permitted sender; via trusted relay backup-mx 127.0.0.1) client-ip=127.0.0.2;"
                    + " envelope-from=\"ceo@victim.test\"; helo=mail.forger.test;"), mail);
            int ours = mail.indexOf("by mx.ours.test (spfgate)");
            int backups = mail.indexOf("by backup.ours.test (Postfix)");
            assertTrue(ours > 0 && backups > ours, "our Received above the backup MX's:\n" + mail);
            String line = decisions.awaitLine(l -> l.contains("status=relayed"), Duration.ofSeconds(10));
            assertTrue(line.contains("trusted=backup-mx trusted_by=networks via=through via_client=[127.0.0.2]"
                    + " spf=fail"), line);
        }
    }
}
