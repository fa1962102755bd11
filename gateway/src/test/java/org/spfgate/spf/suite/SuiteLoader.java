package org.spfgate.spf.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the multi-document conformance suite YAML into {@link SuiteScenario}s.
 *
 * <p>The suite predates RFC 7208's removal of type SPF (99) and relies on drivers copying SPF
 * records into TXT; it says so in its header. Like pyspf's driver, {@link #load} keeps the SPF
 * entries as written and {@link InMemoryZoneDns} serves them as TXT only for a name that has no
 * TXT entry at all ({@code TXT: NONE} is an entry that holds no record and stops the copying).
 * A checker never asks for type 99, so SPF entries reach it only that way.
 */
public final class SuiteLoader {

    /** Classpath location of the copied suite. */
    public static final String RFC7208_SUITE = "/spf-suite/rfc7208-tests.yml";

    private SuiteLoader() {
    }

    /** The RFC 7208 suite from the test classpath. */
    public static List<SuiteScenario> loadRfc7208() {
        try (InputStream in = SuiteLoader.class.getResourceAsStream(RFC7208_SUITE)) {
            if (in == null) {
                throw new IllegalStateException(RFC7208_SUITE + " is not on the classpath");
            }
            return load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every YAML document of {@code in} as a scenario, in file order. */
    public static List<SuiteScenario> load(InputStream in) throws IOException {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        List<SuiteScenario> scenarios = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = mapper.readerFor(JsonNode.class).readValues(in)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                scenarios.add(scenario(doc));
            }
        }
        return List.copyOf(scenarios);
    }

    private static SuiteScenario scenario(JsonNode doc) {
        String description = doc.path("description").asText();
        List<SuiteScenario.Case> cases = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("tests").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> test = it.next();
            cases.add(testCase(test.getKey(), test.getValue()));
        }
        Map<String, List<SuiteScenario.ZoneRecord>> zone = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("zonedata").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> owner = it.next();
            List<SuiteScenario.ZoneRecord> records =
                    zone.computeIfAbsent(normalizeName(owner.getKey()), k -> new ArrayList<>());
            for (JsonNode entry : owner.getValue()) {
                records.add(zoneRecord(entry));
            }
        }
        zone.replaceAll((name, records) -> List.copyOf(records));
        return new SuiteScenario(description, List.copyOf(cases), Map.copyOf(zone));
    }

    private static SuiteScenario.Case testCase(String name, JsonNode t) {
        Set<String> results = new LinkedHashSet<>();
        for (String r : strings(t.path("result"))) {
            results.add(r.trim().toLowerCase(Locale.ROOT));
        }
        String explanation = t.hasNonNull("explanation") ? t.get("explanation").asText() : null;
        return new SuiteScenario.Case(name, t.path("helo").asText(""), t.path("host").asText(""),
                t.path("mailfrom").asText(""), Set.copyOf(results), explanation,
                strings(t.path("spec")));
    }

    private static SuiteScenario.ZoneRecord zoneRecord(JsonNode entry) {
        if (entry.isTextual()) {
            // A bare word such as TIMEOUT.
            return new SuiteScenario.ZoneRecord(entry.asText(), List.of());
        }
        Map.Entry<String, JsonNode> only = entry.fields().next();
        String type = only.getKey().toUpperCase(Locale.ROOT);
        List<String> values = strings(only.getValue());
        return switch (type) {
            case "PTR", "CNAME" -> new SuiteScenario.ZoneRecord(type, List.of(normalizeName(values.get(0))));
            case "MX" -> new SuiteScenario.ZoneRecord(type, List.of(values.get(0), normalizeName(values.get(1))));
            default -> new SuiteScenario.ZoneRecord(type, values);
        };
    }

    /** A scalar as a one-element list, a sequence as its elements' text. */
    private static List<String> strings(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (node.isArray()) {
            List<String> out = new ArrayList<>();
            node.forEach(n -> out.add(n.asText()));
            return out;
        }
        return List.of(node.asText());
    }

    /** Lower case, no trailing dot: how {@link org.spfgate.spf.SpfDns} spells names. */
    public static String normalizeName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
