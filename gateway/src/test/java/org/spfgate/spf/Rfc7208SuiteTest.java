package org.spfgate.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.spfgate.spf.suite.InMemoryZoneDns;
import org.spfgate.spf.suite.SuiteLoader;
import org.spfgate.spf.suite.SuiteScenario;

/**
 * Every case of the openspf.org RFC 7208 suite ({@code spf-suite/rfc7208-tests.yml}) against
 * {@link SpfChecker}, with each scenario's zone answered from memory. A case that lists several
 * results passes on any of them; the explanation is compared where the suite gives one
 * ({@code DEFAULT} means our default fail explanation).
 */
class Rfc7208SuiteTest {

    /** The suite's size: counting guards against cases being silently dropped by the loader. */
    private static final int SUITE_CASES = 203;
    private static final String RECEIVER = "receiver.example.org";

    private static final List<SuiteScenario> SUITE = SuiteLoader.loadRfc7208();
    private static final AtomicInteger PASSED = new AtomicInteger();
    private static final Queue<String> FAILED = new ConcurrentLinkedQueue<>();

    @Test
    void everyOneOfThe203CasesIsRun() {
        assertEquals(SUITE_CASES, SUITE.stream().mapToInt(s -> s.cases().size()).sum());
    }

    @TestFactory
    Stream<DynamicNode> rfc7208Suite() {
        return SUITE.stream().map(scenario -> dynamicContainer(scenario.description(),
                scenario.cases().stream().map(c -> dynamicTest(c.displayName(scenario), () -> {
                    try {
                        runCase(scenario, c);
                        PASSED.incrementAndGet();
                    } catch (AssertionError | Exception e) {
                        FAILED.add(c.displayName(scenario));
                        throw e;
                    }
                }))));
    }

    /** One line for the build log with the conformance count, and the names of any failures. */
    @AfterAll
    static void reportConformance() {
        int total = SUITE.stream().mapToInt(s -> s.cases().size()).sum();
        System.out.println("RFC 7208 suite over in-memory DNS: " + PASSED.get() + " of " + total
                + " cases pass" + (FAILED.isEmpty() ? "" : "; failing: " + FAILED));
    }

    private static void runCase(SuiteScenario scenario, SuiteScenario.Case c) throws Exception {
        InMemoryZoneDns dns = InMemoryZoneDns.of(scenario);
        SpfChecker checker = new SpfChecker(dns, RECEIVER, Duration.ofSeconds(20));
        InetAddress ip = InetAddress.getByName(c.host());
        SpfVerdict verdict = checker.checkMailFrom(ip, c.mailFrom(), c.helo());
        String detail = c.displayName(scenario) + ": got " + verdict + "\nDNS queries: " + dns.queries();
        assertTrue(c.results().contains(verdict.result().token()),
                () -> "expected one of " + c.results() + " in " + detail);
        if (c.explanation() != null) {
            String expected = c.explanation().equals("DEFAULT")
                    ? SpfChecker.defaultFailExplanation(verdict.domain(), ClientIpText.readable(verdict.clientIp()))
                    : c.explanation();
            assertEquals(expected, verdict.explanation(), detail);
        }
    }
}
