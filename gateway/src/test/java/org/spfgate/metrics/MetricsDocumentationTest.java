package org.spfgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's metric list is the operator's list: it must say what the registry publishes. */
class MetricsDocumentationTest {

    /** Surefire runs in the module directory ({@code gateway/}); the docs live beside it. */
    private static final Path DOC = Path.of("..", "README.md");
    private static final Pattern ROW = Pattern.compile("^\\| `(spfgate_[a-z0-9_]+)` \\| (\\w+) \\|([^|]*)\\|");
    private static final Pattern LABEL = Pattern.compile("`([a-z_]+)`");

    private record Documented(String type, TreeSet<String> labels) {
    }

    @Test
    void theDocumentedMetricsAreExactlyTheRegisteredOnesWithTheirTypesAndLabels() throws Exception {
        Map<String, Documented> documented = new TreeMap<>();
        for (String line : Files.readAllLines(DOC)) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                TreeSet<String> labels = new TreeSet<>();
                Matcher label = LABEL.matcher(row.group(3));
                while (label.find()) {
                    labels.add(label.group(1));
                }
                Documented previous = documented.put(row.group(1), new Documented(row.group(2), labels));
                assertEquals(null, previous, "documented twice: " + row.group(1));
            }
        }
        assertTrue(documented.size() >= 10, "the table in " + DOC + " was not found");

        Map<String, Documented> registered = new TreeMap<>();
        try (GatewayMetrics metrics = new GatewayMetrics()) {
            PrometheusText scrape = PrometheusText.parse(metrics.scrape());
            scrape.types().forEach((name, type) -> {
                boolean histogramMax = name.endsWith("_max")
                        && "histogram".equals(scrape.types().get(name.substring(0, name.length() - 4)));
                if (name.startsWith("spfgate_") && !histogramMax) {
                    registered.put(name, new Documented(type, new TreeSet<>(scrape.labelNames(name))));
                }
            });
        }
        // trusted_total has no series without trusted entries; its label is defined in code.
        registered.putIfAbsent("spfgate_trusted_total", new Documented("counter", new TreeSet<>(Arrays.asList("name"))));

        assertEquals(describe(registered), describe(documented));
    }

    private static String describe(Map<String, Documented> metrics) {
        return metrics.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue().type() + " " + e.getValue().labels())
                .collect(Collectors.joining("\n"));
    }
}
