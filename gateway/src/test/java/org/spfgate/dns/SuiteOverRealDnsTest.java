package org.spfgate.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.spfgate.spf.SpfChecker;
import org.spfgate.spf.SpfVerdict;
import org.spfgate.spf.suite.InMemoryZoneDns;
import org.spfgate.spf.suite.SuiteLoader;
import org.spfgate.spf.suite.SuiteScenario;
import org.spfgate.testdns.TestDnsServer;

/**
 * Every case of the RFC 7208 conformance suite through the production path: {@link SpfChecker}
 * → {@link SpfDnsClient} → UDP/TCP on loopback → a {@link TestDnsServer} serving the scenario's
 * zone ({@code TIMEOUT} entries: the server never answers). One server and one client (with its
 * cache) per scenario, as a gateway would see them. A case listing several results passes on
 * any; the explanation is compared where the suite gives one.
 *
 * <p>The final count is asserted after all cases ran: running a subset of cases by filter fails
 * that count on purpose.
 */
class SuiteOverRealDnsTest {

    private static final int SUITE_CASES = 203;
    private static final String RECEIVER = "receiver.example.org";
    /** Short, because several cases wait for a server that never answers; long enough for a busy CI. */
    private static final Duration QUERY_TIMEOUT = Duration.ofMillis(500);

    private static final List<SuiteScenario> SUITE = SuiteLoader.loadRfc7208();
    private static final Map<SuiteScenario, Fixture> FIXTURES = new ConcurrentHashMap<>();
    private static final AtomicInteger PASSED = new AtomicInteger();

    /** The scenario's DNS server, and a checker whose DNS is a client of it. */
    private record Fixture(TestDnsServer server, SpfChecker checker) {
        static Fixture start(SuiteScenario scenario) {
            TestDnsServer server = TestDnsServer.start(SuiteZones.of(scenario));
            SpfDnsClient client = new SpfDnsClient(List.of(server.address()), QUERY_TIMEOUT);
            return new Fixture(server, new SpfChecker(client, RECEIVER, Duration.ofSeconds(10)));
        }
    }

    @Test
    void theSuiteHolds203Cases() {
        assertEquals(SUITE_CASES, SUITE.stream().mapToInt(s -> s.cases().size()).sum());
    }

    @TestFactory
    Stream<DynamicNode> rfc7208SuiteOverRealDns() {
        return SUITE.stream().map(scenario -> dynamicContainer(scenario.description(),
                scenario.cases().stream().map(c -> dynamicTest(c.displayName(scenario),
                        () -> runCase(scenario, c)))));
    }

    @AfterAll
    static void everyCasePassedOverRealDns() {
        FIXTURES.values().forEach(f -> f.server().close());
        System.out.println("RFC 7208 suite over real DNS: " + PASSED.get() + " of " + SUITE_CASES + " passed");
        assertEquals(SUITE_CASES, PASSED.get(), "cases passed over real DNS");
    }

    private static void runCase(SuiteScenario scenario, SuiteScenario.Case c) throws Exception {
        Fixture fixture = FIXTURES.computeIfAbsent(scenario, Fixture::start);
        InetAddress ip = InetAddress.getByName(c.host());
        SpfVerdict verdict = fixture.checker().checkMailFrom(ip, c.mailFrom(), c.helo());
        String detail = "got " + verdict + "\nDNS queries: " + fixture.server().queries();
        assertTrue(c.results().contains(verdict.result().token()),
                () -> "expected one of " + c.results() + ", " + detail);
        if (c.explanation() != null) {
            assertEquals(expectedExplanation(scenario, c, ip), verdict.explanation(), detail);
        }
        assertEquals(0, fixture.server().queryCount("SPF"), "type-99 queries");
        PASSED.incrementAndGet();
    }

    /**
     * The suite's text, or for {@code DEFAULT} the checker's default explanation, taken from the
     * same case answered from memory ({@code Rfc7208SuiteTest} pins that text; its builder is
     * package-private to {@code spf}).
     */
    private static String expectedExplanation(SuiteScenario scenario, SuiteScenario.Case c, InetAddress ip) {
        if (!c.explanation().equals("DEFAULT")) {
            return c.explanation();
        }
        SpfChecker inMemory = new SpfChecker(InMemoryZoneDns.of(scenario), RECEIVER, Duration.ofSeconds(10));
        return inMemory.checkMailFrom(ip, c.mailFrom(), c.helo()).explanation();
    }
}
