package org.spfgate.dns;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spfgate.spf.suite.SuiteScenario;
import org.spfgate.testdns.TestZone;

/** A suite scenario's zone, as {@link TestZone} data for a {@link org.spfgate.testdns.TestDnsServer}. */
final class SuiteZones {

    private SuiteZones() {
    }

    /** The scenario's {@code zonedata:} back in its YAML shape, then built by {@link TestZone}. */
    static TestZone of(SuiteScenario scenario) {
        Map<String, List<Object>> zonedata = new LinkedHashMap<>();
        scenario.zone().forEach((name, records) -> {
            List<Object> entries = new ArrayList<>();
            for (SuiteScenario.ZoneRecord r : records) {
                entries.add(switch (r.type()) {
                    case "TIMEOUT" -> "TIMEOUT";
                    case "TXT", "SPF" -> Map.of(r.type(), r.strings());
                    case "MX" -> Map.of("MX", List.of(r.mxPreference(), r.value()));
                    default -> Map.of(r.type(), r.value());
                });
            }
            zonedata.put(name, entries);
        });
        return TestZone.fromSuiteZonedata(zonedata);
    }
}
