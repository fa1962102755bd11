package org.spfgate.spf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spfgate.spf.suite.InMemoryZoneDns;
import org.spfgate.spf.suite.SuiteScenario.ZoneRecord;

/** Builds a small in-memory zone for unit tests, in the suite's zone model. */
final class TestZone {

    private final Map<String, List<ZoneRecord>> zone = new LinkedHashMap<>();

    TestZone txt(String name, String... strings) {
        return add(name, new ZoneRecord("TXT", List.of(strings)));
    }

    TestZone a(String name, String... ips) {
        for (String ip : ips) {
            add(name, new ZoneRecord("A", List.of(ip)));
        }
        return this;
    }

    TestZone aaaa(String name, String... ips) {
        for (String ip : ips) {
            add(name, new ZoneRecord("AAAA", List.of(ip)));
        }
        return this;
    }

    TestZone mx(String name, String... hosts) {
        int preference = 10;
        for (String host : hosts) {
            add(name, new ZoneRecord("MX", List.of(Integer.toString(preference++), host)));
        }
        return this;
    }

    TestZone ptr(String reverseName, String... names) {
        for (String n : names) {
            add(reverseName, new ZoneRecord("PTR", List.of(n)));
        }
        return this;
    }

    TestZone timeout(String name) {
        return add(name, new ZoneRecord("TIMEOUT", List.of()));
    }

    /** A DNS over this zone that records every question. */
    InMemoryZoneDns dns() {
        return new InMemoryZoneDns(zone, true);
    }

    /** A DNS over this zone that keeps no log (for many threads). */
    InMemoryZoneDns quietDns() {
        return new InMemoryZoneDns(zone, false);
    }

    private TestZone add(String name, ZoneRecord record) {
        zone.computeIfAbsent(name, k -> new ArrayList<>()).add(record);
        return this;
    }
}
