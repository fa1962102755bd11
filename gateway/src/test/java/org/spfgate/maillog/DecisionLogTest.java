package org.spfgate.maillog;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spfgate.config.LogConfig;
import org.spfgate.relay.Reply;
import org.spfgate.spf.SpfIdentity;
import org.spfgate.spf.SpfResult;
import org.spfgate.spf.SpfVerdict;

class DecisionLogTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T13:45:01.123Z"), ZoneOffset.UTC);
    private static final String TIME = "2026-11-23T13:45:01.123Z";
    private static final InetAddress CLIENT = ip("192.0.2.1");

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static SpfVerdict verdict(SpfIdentity identity, SpfResult result, String decidedBy) {
        return new SpfVerdict(result, identity, CLIENT, "alice@example.com", "example.com", "mail.example.com",
                "example.com does not designate 192.0.2.1 as permitted sender", decidedBy, 2);
    }

    private static TransactionRecord.Builder transaction() {
        return TransactionRecord.builder("7Q2XK4", CLIENT).clientName("mail.example.com")
                .helo("mail.example.com").sender("alice@example.com");
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private String textLine(TransactionRecord record) {
        return line(record, LogConfig.Format.TEXT);
    }

    private String line(TransactionRecord record, LogConfig.Format format) {
        out.reset();
        DecisionLog.to(out, format, CLOCK).write(record);
        String written = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, written.chars().filter(c -> c == '\n').count(), "exactly one line: " + written);
        assertFalse(written.contains("\r"), "no CR anywhere: " + written);
        return written.substring(0, written.length() - 1);
    }

    @Test
    void anSpfFailIsOneLineWithClientHeloEnvelopeResultMechanismVerdictAndReply() {
        TransactionRecord record = transaction().recipient("bob@example.org").recipient("carol@example.org")
                .spf(verdict(SpfIdentity.MAILFROM, SpfResult.FAIL, "-all")).reason("spf_fail")
                .build(TransactionRecord.Status.REJECTED,
                        new Reply(550, "5.7.23 example.com does not designate 192.0.2.1 as permitted sender"),
                        Duration.ofMillis(120));
        assertEquals(TIME + " spfgate: id=7Q2XK4 client=mail.example.com[192.0.2.1] helo=mail.example.com"
                + " from=<alice@example.com> to=<bob@example.org>,<carol@example.org> spf=fail mechanism=\"-all\""
                + " status=rejected reason=spf_fail"
                + " reply=\"550 5.7.23 example.com does not designate 192.0.2.1 as permitted sender\""
                + " delay=0.120s", textLine(record));
    }

    @Test
    void refusedAndExemptRecipientsAreLoggedSoAGrepForTheAddressFindsThem() {
        TransactionRecord record = transaction().recipient("postmaster@example.org")
                .refusedRecipient("bob@example.org").refusedRecipient("carol@example.org")
                .exemptRecipient("postmaster@example.org").wouldReject("spf_fail")
                .spf(verdict(SpfIdentity.MAILFROM, SpfResult.FAIL, "-all"))
                .downstreamId("Q1").size(100)
                .build(TransactionRecord.Status.RELAYED, new Reply(250, "2.0.0 Ok: queued as Q1"), Duration.ofMillis(9));
        assertEquals(TIME + " spfgate: id=7Q2XK4 client=mail.example.com[192.0.2.1] helo=mail.example.com"
                + " from=<alice@example.com> to=<postmaster@example.org>"
                + " refused_to=<bob@example.org>,<carol@example.org> exempt_to=<postmaster@example.org>"
                + " spf=fail mechanism=\"-all\" status=relayed would_reject=spf_fail"
                + " reply=\"250 2.0.0 Ok: queued as Q1\" downstream_id=Q1 size=100 delay=0.009s", textLine(record));
        assertEquals("{\"time\":\"" + TIME + "\",\"id\":\"7Q2XK4\",\"client_ip\":\"192.0.2.1\","
                + "\"client_name\":\"mail.example.com\",\"helo\":\"mail.example.com\",\"from\":\"alice@example.com\","
                + "\"to\":[\"postmaster@example.org\"],\"refused_to\":[\"bob@example.org\",\"carol@example.org\"],"
                + "\"exempt_to\":[\"postmaster@example.org\"],\"spf\":\"fail\",\"mechanism\":\"-all\","
                + "\"status\":\"relayed\",\"would_reject\":\"spf_fail\",\"reply_code\":250,"
                + "\"reply\":\"250 2.0.0 Ok: queued as Q1\",\"downstream_id\":\"Q1\",\"size\":100,\"delay\":0.009}",
                line(record, LogConfig.Format.JSON));
    }

    @Test
    void aRelayedMessageCarriesTheDownstreamQueueIdSizeAndBothSpfResults() {
        TransactionRecord record = transaction().recipient("bob@example.org")
                .spf(verdict(SpfIdentity.MAILFROM, SpfResult.PASS, "include:_spf.example.com"))
                .heloSpf(verdict(SpfIdentity.HELO, SpfResult.NONE, null))
                .downstreamId("4XyZ1k3s9Qz").size(4096)
                .build(TransactionRecord.Status.RELAYED, new Reply(250, "2.0.0 Ok: queued as 4XyZ1k3s9Qz"),
                        Duration.ofNanos(12_345_678));
        assertEquals(TIME + " spfgate: id=7Q2XK4 client=mail.example.com[192.0.2.1] helo=mail.example.com"
                + " from=<alice@example.com> to=<bob@example.org> spf=pass mechanism=\"include:_spf.example.com\""
                + " helo_spf=none status=relayed reply=\"250 2.0.0 Ok: queued as 4XyZ1k3s9Qz\""
                + " downstream_id=4XyZ1k3s9Qz size=4096 delay=0.012s", textLine(record));
    }

    @Test
    void aTrustedClientIsNamedAndHasNoSpfResult() {
        TransactionRecord record = TransactionRecord.builder("8A", ip("2001:db8:1::7")).helo("mx2.example.org")
                .sender("list@lists.example.net").recipient("bob@example.org").trusted("backup-mx")
                .build(TransactionRecord.Status.RELAYED, new Reply(250, "2.0.0 Ok"), Duration.ofMillis(5));
        assertEquals(TIME + " spfgate: id=8A client=unknown[2001:db8:1::7] helo=mx2.example.org"
                + " from=<list@lists.example.net> to=<bob@example.org> trusted=backup-mx status=relayed"
                + " reply=\"250 2.0.0 Ok\" delay=0.005s", textLine(record));
    }

    @Test
    void aTrustedRelayEvaluatedThroughNamesMatcherTreatmentAndTheClientBeforeIt() throws Exception {
        TransactionRecord through = TransactionRecord.builder("8B", ip("198.51.100.7")).helo("backup.example.org")
                .sender("alice@example.com").recipient("bob@example.org").trusted("backup-mx", "networks", "through")
                .viaClient(ip("2001:db8:5::1")).spf(verdict(SpfIdentity.MAILFROM, SpfResult.FAIL, "-all"))
                .build(TransactionRecord.Status.RELAYED, new Reply(250, "2.0.0 Ok"), Duration.ofMillis(5));
        assertEquals(TIME + " spfgate: id=8B client=unknown[198.51.100.7] helo=backup.example.org"
                + " from=<alice@example.com> to=<bob@example.org> trusted=backup-mx trusted_by=networks via=through"
                + " via_client=[2001:db8:5::1] spf=fail mechanism=\"-all\" status=relayed reply=\"250 2.0.0 Ok\""
                + " delay=0.005s", textLine(through));
        JsonNode json = new ObjectMapper().readTree(line(through, LogConfig.Format.JSON));
        assertEquals("2001:db8:5::1", json.get("via_client").asText());
        assertEquals("networks", json.get("trusted_by").asText());

        TransactionRecord unknown = TransactionRecord.builder("8C", ip("198.51.100.7")).sender("alice@example.com")
                .trusted("our-mx", "mx_of", "through").viaProblem("the message has no Received field")
                .build(TransactionRecord.Status.RELAYED, new Reply(250, "2.0.0 Ok"), Duration.ofMillis(5));
        assertEquals(TIME + " spfgate: id=8C client=unknown[198.51.100.7] from=<alice@example.com> trusted=our-mx"
                + " trusted_by=mx_of via=through via_problem=\"the message has no Received field\" status=relayed"
                + " reply=\"250 2.0.0 Ok\" delay=0.005s", textLine(unknown));
    }

    @Test
    void reportOnlyModeLogsWhatWouldHaveBeenRejected() {
        TransactionRecord record = transaction().recipient("bob@example.org")
                .spf(verdict(SpfIdentity.MAILFROM, SpfResult.FAIL, "-all")).wouldReject("spf_fail")
                .build(TransactionRecord.Status.RELAYED, new Reply(250, "2.0.0 Ok"), Duration.ofMillis(30));
        assertEquals(TIME + " spfgate: id=7Q2XK4 client=mail.example.com[192.0.2.1] helo=mail.example.com"
                + " from=<alice@example.com> to=<bob@example.org> spf=fail mechanism=\"-all\" status=relayed"
                + " would_reject=spf_fail reply=\"250 2.0.0 Ok\" delay=0.030s", textLine(record));
    }

    @Test
    void theNullSenderIsAnEmptyPathAndAnAbortedTransactionHasNoReply() {
        TransactionRecord record = transaction().sender("")
                .build(TransactionRecord.Status.ABORTED, null, Duration.ofSeconds(2));
        assertEquals(TIME + " spfgate: id=7Q2XK4 client=mail.example.com[192.0.2.1] helo=mail.example.com"
                + " from=<> status=aborted delay=2.000s", textLine(record));
    }

    @Test
    void aHeloWithCrLfCannotStartAForgedLine() {
        String hostile = "x\r\n2026-11-23T13:45:01.123Z spfgate: id=FORGED status=relayed";
        String line = textLine(transaction().helo(hostile)
                .build(TransactionRecord.Status.REJECTED, new Reply(501, "5.5.2 bad HELO"), Duration.ZERO));
        assertEquals(TIME + " spfgate: id=7Q2XK4 client=mail.example.com[192.0.2.1]"
                + " helo=\"x\\r\\n2026-11-23T13:45:01.123Z spfgate: id=FORGED status=relayed\""
                + " from=<alice@example.com> status=rejected reply=\"501 5.5.2 bad HELO\" delay=0.000s", line);
        assertEquals(hostile, value(line, "helo"));
    }

    @Test
    void aHeloWithSpacesAndEqualsSignsCannotAddFields() {
        String hostile = "mail.example.com status=relayed trusted=backup-mx \"quoted\" back\\slash";
        String line = textLine(transaction().helo(hostile)
                .build(TransactionRecord.Status.REJECTED, new Reply(550, "5.7.1 no"), Duration.ZERO));
        assertEquals(List.of("id", "client", "helo", "from", "status", "reply", "delay"), keys(line));
        assertEquals(hostile, value(line, "helo"));
        assertEquals("rejected", value(line, "status"));
    }

    @Test
    void bracketsAndCommasInsideAddressesCannotForgeRecipients() {
        String hostile = "\"a>,<evil@attacker.example\"@example.org";
        String line = textLine(transaction().recipient(hostile).recipient("bob@example.org")
                .build(TransactionRecord.Status.RELAYED, new Reply(250, "2.0.0 Ok"), Duration.ZERO));
        assertEquals("to=\"<\\\"a\\x3e\\x2c\\x3cevil@attacker.example\\\"@example.org>,<bob@example.org>\"",
                line.substring(line.indexOf("to="), line.indexOf(" status=")));
    }

    @Test
    void aReverseDnsNameCannotBringItsOwnIpAddress() {
        String line = textLine(transaction().clientName("evil[203.0.113.9]")
                .build(TransactionRecord.Status.RELAYED, new Reply(250, "2.0.0 Ok"), Duration.ZERO));
        assertEquals("evil[203.0.113.9][192.0.2.1]", value(line, "client"));
        assertEquals("client=\"evil\\x5b203.0.113.9\\x5d[192.0.2.1]\"",
                line.substring(line.indexOf("client="), line.indexOf(" helo=")));
    }

    @Test
    void downstreamAndDnsTextWithControlCharactersStaysInsideTheQuotedReply() {
        String text = "5.7.1 \u001b[31mred\u001b[0m \"quoted\" tab\there \\ nul\u0000";
        String line = textLine(transaction()
                .build(TransactionRecord.Status.REJECTED, new Reply(554, text), Duration.ZERO));
        assertEquals("reply=\"554 5.7.1 \\x1b[31mred\\x1b[0m \\\"quoted\\\" tab\\there \\\\ nul\\x00\"",
                line.substring(line.indexOf("reply="), line.indexOf(" delay=")));
        assertEquals("554 " + text, value(line, "reply"));
    }

    @Test
    void internationalAddressesStayReadableButInvisibleUnicodeIsEscaped() {
        String line = textLine(transaction().sender("josé@exämple.org").recipient("bob\u2028@example.org")
                .helo("mail\u202eexample.com")
                .build(TransactionRecord.Status.RELAYED, new Reply(250, "2.0.0 Ok"), Duration.ZERO));
        assertEquals(" helo=\"mail\\u{202e}example.com\" from=<josé@exämple.org> to=\"<bob\\u{2028}@example.org>\"",
                line.substring(line.indexOf(" helo="), line.indexOf(" status=")));
    }

    @Test
    void anEmptyHeloIsWrittenAsEmptyQuotes() {
        String line = textLine(transaction().helo("")
                .build(TransactionRecord.Status.RELAYED, new Reply(250, "2.0.0 Ok"), Duration.ZERO));
        assertEquals(" helo=\"\" ", line.substring(line.indexOf(" helo="), line.indexOf("from=")));
    }

    @Test
    void jsonLinesCarryTheSameFieldsForLogShippers() {
        TransactionRecord record = transaction().recipient("bob@example.org").recipient("carol@example.org")
                .spf(verdict(SpfIdentity.MAILFROM, SpfResult.FAIL, "-all")).reason("spf_fail").size(512)
                .build(TransactionRecord.Status.REJECTED, new Reply(550, "5.7.23 not permitted"),
                        Duration.ofMillis(120));
        assertEquals("{\"time\":\"" + TIME + "\",\"id\":\"7Q2XK4\",\"client_ip\":\"192.0.2.1\","
                + "\"client_name\":\"mail.example.com\",\"helo\":\"mail.example.com\",\"from\":\"alice@example.com\","
                + "\"to\":[\"bob@example.org\",\"carol@example.org\"],\"spf\":\"fail\",\"mechanism\":\"-all\","
                + "\"status\":\"rejected\",\"reason\":\"spf_fail\",\"reply_code\":550,"
                + "\"reply\":\"550 5.7.23 not permitted\",\"size\":512,\"delay\":0.120}",
                line(record, LogConfig.Format.JSON));
    }

    @Test
    void hostileTextRoundTripsThroughJsonOnOneLine() throws Exception {
        String helo = "x\r\n{\"status\":\"relayed\"}\u2028\u0000";
        String recipient = "\"a\\\"b\"@example.org";
        String line = line(transaction().helo(helo).recipient(recipient).trusted("backup-mx")
                .build(TransactionRecord.Status.DEFERRED, new Reply(451, "4.4.1 internal server unreachable"),
                        Duration.ofMillis(1)), LogConfig.Format.JSON);
        JsonNode json = new ObjectMapper().readTree(line);
        assertEquals(helo, json.get("helo").asText());
        assertEquals(recipient, json.get("to").get(0).asText());
        assertEquals("deferred", json.get("status").asText());
        assertEquals("backup-mx", json.get("trusted").asText());
    }

    @Test
    void aFileLogAppendsAndKeepsLinesWholeUnderConcurrentSessions(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("decisions.log");
        Files.writeString(file, "earlier line\n");
        int sessions = 16;
        int perSession = 200;
        try (DecisionLog log = DecisionLog.open(new LogConfig(file, LogConfig.Format.TEXT));
             ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int s = 0; s < sessions; s++) {
                int session = s;
                pool.submit(() -> {
                    for (int i = 0; i < perSession; i++) {
                        log.write(TransactionRecord.builder("S" + session + "-" + i, CLIENT)
                                .helo("h".repeat(500)).sender("alice@example.com")
                                .build(TransactionRecord.Status.RELAYED, new Reply(250, "2.0.0 Ok"), Duration.ZERO));
                    }
                });
            }
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals("earlier line", lines.get(0));
        assertEquals(1 + sessions * perSession, lines.size());
        Set<String> ids = new HashSet<>();
        for (String line : lines.subList(1, lines.size())) {
            assertEquals(List.of("id", "client", "helo", "from", "status", "reply", "delay"), keys(line));
            ids.add(value(line, "id"));
        }
        assertEquals(sessions * perSession, ids.size());
    }

    @Test
    void withoutAFileTheLogGoesToStandardOutput() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (DecisionLog log = DecisionLog.open(new LogConfig(null, LogConfig.Format.JSON))) {
            log.write(transaction().build(TransactionRecord.Status.ABORTED, null, Duration.ZERO));
        } finally {
            System.setOut(original);
        }
        String written = captured.toString(StandardCharsets.UTF_8);
        assertEquals("aborted", new ObjectMapper().readTree(written).get("status").asText());
    }

    @Test
    void aFailingLogStreamNeverThrowsIntoTheSession() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        DecisionLog log = DecisionLog.to(broken, LogConfig.Format.TEXT, CLOCK);
        assertDoesNotThrow(() -> log.write(transaction()
                .build(TransactionRecord.Status.RELAYED, new Reply(250, "2.0.0 Ok"), Duration.ZERO)));
    }

    private static List<String> keys(String line) {
        List<String> keys = new ArrayList<>();
        KeyValueParser.fields(line).forEach(f -> keys.add(f.getKey()));
        return keys;
    }

    private static String value(String line, String key) {
        return KeyValueParser.fields(line).stream().filter(f -> f.getKey().equals(key))
                .map(Map.Entry::getValue).reduce((a, b) -> {
                    throw new AssertionError("two " + key + " fields in " + line);
                }).orElseThrow(() -> new AssertionError("no " + key + " in " + line));
    }

    @Test
    void aLogFileThatCannotBeOpenedIsAnErrorNamingTheFileAndWhy(@TempDir Path dir) {
        Path file = dir.resolve("missing-directory").resolve("decisions.log");
        IOException e = assertThrows(IOException.class,
                () -> DecisionLog.open(new LogConfig(file, LogConfig.Format.TEXT)));
        assertEquals("cannot open the decision log " + file + " (log.file) for appending: no such directory "
                + file.getParent(), e.getMessage());
    }
}
