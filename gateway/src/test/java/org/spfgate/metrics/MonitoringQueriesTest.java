package org.spfgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spfgate.config.HostPort;
import org.spfgate.config.TrustedEntry;

/**
 * The queries operators run against spfgate — the Grafana dashboard's panels and the alerting
 * rules — ask only for what the gateway exports: every metric name they name is in a real
 * scrape of the endpoint, and every label value they select on (or a regular expression's
 * match) is one of the series the gateway serves from its first scrape. A renamed metric or a
 * misspelt {@code reason} would otherwise leave a panel empty and an alert silent forever.
 */
class MonitoringQueriesTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path DASHBOARD = REPO.resolve("docker/grafana/dashboards/spfgate.json");
    private static final Path RULES = REPO.resolve("docker/prometheus-rules.yml");
    /** Labels Prometheus adds at scrape time; {@code up} is its own series per target. */
    private static final Set<String> SCRAPE_LABELS = Set.of("instance", "job");
    private static final Set<String> PROMETHEUS_SERIES = Set.of("up");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "and", "or", "unless", "bool");

    /** Series of the live scrape: metric name → the label sets it is served with. */
    private static final Map<String, List<Map<String, String>>> exported = new HashMap<>();

    @BeforeAll
    static void scrape() throws Exception {
        String text;
        try (GatewayMetrics metrics = new GatewayMetrics(List.of(new TrustedEntry("backup-mx", List.of(), List.of())));
                MetricsServer server = MetricsServer.start(new HostPort("127.0.0.1", 0), metrics, () -> true, () -> true)) {
            URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics");
            text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
        Pattern sample = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? \\S+.*$");
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
        for (String line : text.lines().toList()) {
            Matcher m = sample.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = label.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            exported.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(labels);
        }
        assertTrue(exported.containsKey("spfgate_messages_total"), "the scrape has spfgate's series");
    }

    /** Every PromQL expression of the dashboard: panel targets and template variable queries. */
    private static Map<String, String> dashboardQueries() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                queries.put("panel '" + panel.get("title").asText() + "' " + target.get("refId").asText(),
                        target.get("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            Matcher m = Pattern.compile("label_values\\((\\w+), *(\\w+)\\)").matcher(variable.path("definition").asText());
            assertTrue(m.matches(), "a label_values() variable: " + variable);
            queries.put("variable " + variable.get("name").asText(), m.group(1));
        }
        assertFalse(queries.isEmpty());
        return queries;
    }

    private static Map<String, String> ruleQueries() throws Exception {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                queries.put("alert " + rule.get("alert").asText(), rule.get("expr").asText());
            }
        }
        assertFalse(queries.isEmpty());
        return queries;
    }

    @Test
    void everyDashboardQueryNamesOnlyExportedMetricsAndLabelValues() throws Exception {
        assertEquals(List.of(), problems(dashboardQueries()));
    }

    @Test
    void everyAlertingRuleNamesOnlyExportedMetricsAndLabelValues() throws Exception {
        assertEquals(List.of(), problems(ruleQueries()));
    }

    @Test
    void theCheckFindsAMisspeltMetricAndAMisspeltLabelValue() {
        assertEquals(2, problems(Map.of(
                "a", "rate(spfgate_message_total[5m])",
                "b", "rate(spfgate_rejections_total{reason=\"downstream_unavailabel\"}[5m])")).size());
    }

    @Test
    void promtoolChecksTheRulesFile() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            String message = "promtool not installed: apt-get install -y --no-install-recommends prometheus";
            if ("true".equals(System.getenv("CI"))) {
                fail(message + " (required under CI=true)");
            }
            Assumptions.abort(message);
        }
        Process p = new ProcessBuilder(promtool.toString(), "check", "rules", RULES.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("SUCCESS: " + ruleQueries().size() + " rules found"), output);
    }

    /** What in these queries the gateway does not export, one line per problem. */
    private static List<String> problems(Map<String, String> queries) {
        List<String> problems = new ArrayList<>();
        Pattern selector = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)\\}");
        Pattern matcher = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
        for (Map.Entry<String, String> query : queries.entrySet()) {
            String expr = query.getValue();
            Set<String> names = metricNames(expr);
            if (names.stream().noneMatch(n -> n.startsWith("spfgate_") || PROMETHEUS_SERIES.contains(n))
                    && names.stream().noneMatch(exported::containsKey)) {
                problems.add(query.getKey() + ": names no metric: " + expr);
            }
            for (String name : names) {
                if (!exported.containsKey(name) && !PROMETHEUS_SERIES.contains(name)) {
                    problems.add(query.getKey() + ": " + name + " is not exported");
                }
            }
            Matcher s = selector.matcher(expr);
            while (s.find()) {
                List<Map<String, String>> series = exported.get(s.group(1));
                if (series == null) {
                    continue; // reported above
                }
                Matcher m = matcher.matcher(s.group(2));
                while (m.find()) {
                    String label = m.group(1);
                    String op = m.group(2);
                    String value = m.group(3);
                    if (SCRAPE_LABELS.contains(label) || value.contains("$") || op.startsWith("!")) {
                        continue;
                    }
                    Pattern wanted = op.equals("=~") ? Pattern.compile(value) : Pattern.compile(Pattern.quote(value));
                    if (series.stream().noneMatch(l -> l.containsKey(label) && wanted.matcher(l.get(label)).matches())) {
                        problems.add(query.getKey() + ": no " + s.group(1) + " series has " + label + op + "\"" + value + "\"");
                    }
                }
            }
        }
        return problems;
    }

    /** The metric names of a PromQL expression: identifiers that are not functions, keywords or labels. */
    private static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // strings
                .replaceAll("\\{[^}]*\\}", " ")                          // label matchers
                .replaceAll("\\[[^]]*\\]", " ")                          // ranges
                .replaceAll("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ") // label lists
                .replaceAll("\\boffset\\s+\\w+", " ");
        Set<String> names = new HashSet<>();
        Matcher id = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(bare);
        while (id.find()) {
            if (id.group(2) == null && !KEYWORDS.contains(id.group(1))) {
                names.add(id.group(1));
            }
        }
        return names;
    }
}
