package org.spfgate.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.spfgate.spf.DnsAnswer;
import org.spfgate.spf.SpfDns;
import org.spfgate.spf.suite.InMemoryZoneDns;
import org.spfgate.spf.suite.SuiteLoader;
import org.spfgate.spf.suite.SuiteScenario;
import org.spfgate.testdns.TestDnsServer;

/**
 * Every name of every conformance-suite zone, asked for every type SPF uses, gets the same
 * answer through {@link SpfDnsClient} over the wire as from the in-memory model the SPF engine
 * is proven against: same status, same records. This pins the DNS path below the evaluator.
 */
class SuiteZoneOverRealDnsTest {

    private static final Duration QUERY_TIMEOUT = Duration.ofMillis(500);

    @TestFactory
    Stream<DynamicTest> everySuiteZoneAnswersOverTheWireAsItDoesInMemory() {
        return SuiteLoader.loadRfc7208().stream().map(scenario -> DynamicTest.dynamicTest(
                scenario.description(), () -> assertSameAnswers(scenario)));
    }

    private static void assertSameAnswers(SuiteScenario scenario) throws Exception {
        InMemoryZoneDns memory = new InMemoryZoneDns(scenario.zone());
        try (TestDnsServer server = TestDnsServer.start(SuiteZones.of(scenario));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            SpfDnsClient wire = new SpfDnsClient(List.of(server.address()), QUERY_TIMEOUT);
            List<Question> questions = new ArrayList<>();
            for (String name : scenario.zone().keySet()) {
                questions.add(new Question("TXT " + name, dns -> dns.txt(name)));
                questions.add(new Question("A " + name, dns -> dns.addresses(name, false)));
                questions.add(new Question("AAAA " + name, dns -> dns.addresses(name, true)));
                questions.add(new Question("MX " + name, dns -> dns.mx(name)));
                InetAddress reversed = reverseNameAddress(name);
                if (reversed != null) {
                    questions.add(new Question("PTR " + reversed.getHostAddress(), dns -> dns.ptr(reversed)));
                }
            }
            questions.add(new Question("TXT nowhere.invalid", dns -> dns.txt("nowhere.invalid")));
            // Time-outs take QUERY_TIMEOUT each: ask everything at once.
            List<Future<DnsAnswer<?>>> overWire = new ArrayList<>();
            for (Question q : questions) {
                overWire.add(pool.submit(() -> q.ask.apply(wire)));
            }
            for (int i = 0; i < questions.size(); i++) {
                Question q = questions.get(i);
                DnsAnswer<?> expected = q.ask.apply(memory);
                DnsAnswer<?> actual = overWire.get(i).get();
                assertEquals(expected.status(), actual.status(), q.label + ": " + actual.detail());
                assertEquals(sorted(expected.records()), sorted(actual.records()), q.label);
            }
            assertEquals(0, server.queryCount("SPF"), "type-99 queries");
        }
    }

    private record Question(String label, Function<SpfDns, DnsAnswer<?>> ask) {
    }

    private static List<String> sorted(List<?> records) {
        return records.stream().map(String::valueOf).sorted().toList();
    }

    /** The address a {@code in-addr.arpa} / {@code ip6.arpa} name stands for, else null. */
    private static InetAddress reverseNameAddress(String name) throws UnknownHostException {
        String[] labels = name.split("\\.");
        if (name.endsWith(".in-addr.arpa") && labels.length == 6) {
            return InetAddress.getByName(labels[3] + "." + labels[2] + "." + labels[1] + "." + labels[0]);
        }
        if (name.endsWith(".ip6.arpa") && labels.length == 34) {
            StringBuilder hex = new StringBuilder();
            for (int i = 31; i >= 0; i--) {
                hex.append(labels[i]);
                if (i % 4 == 0 && i > 0) {
                    hex.append(':');
                }
            }
            return InetAddress.getByName(hex.toString());
        }
        return null;
    }
}
