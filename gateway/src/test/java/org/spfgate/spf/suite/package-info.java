/**
 * The RFC 7208 conformance suite (openspf.org's {@code rfc7208-tests.yml}) as data: its scenarios
 * and cases ({@link org.spfgate.spf.suite.SuiteLoader}, {@link org.spfgate.spf.suite.SuiteScenario})
 * and each scenario's zone answered from memory ({@link org.spfgate.spf.suite.InMemoryZoneDns}).
 * Test code only; the wire-protocol test DNS server serves the same zone model.
 */
package org.spfgate.spf.suite;
