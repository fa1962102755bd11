package org.spfgate.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Which spfgate series moved between two scrapes, and by how much. Histograms count as their
 * {@code _count} only (buckets and sums follow from the durations the test chose), and
 * {@code _max} gauges are left out (they decay with time).
 */
final class MetricsDelta {

    private MetricsDelta() {
    }

    /** Series key ({@code name{k=v, ...}}) to value, for every spfgate counter, gauge and histogram count. */
    static Map<String, Double> snapshot(String scrape) {
        Map<String, Double> series = new TreeMap<>();
        for (PrometheusText.Sample s : PrometheusText.parse(scrape).samples()) {
            String name = s.name();
            if (!name.startsWith("spfgate_") || name.endsWith("_max") || name.endsWith("_bucket")
                    || name.endsWith("_sum")) {
                continue;
            }
            series.put(name + new TreeMap<>(s.labels()), s.value());
        }
        return series;
    }

    /** The series that changed from {@code before} to {@code after}, with the change. */
    static Map<String, Double> between(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> delta = new TreeMap<>();
        after.forEach((key, value) -> {
            double was = before.getOrDefault(key, 0.0);
            if (value != was) {
                delta.put(key, value - was);
            }
        });
        before.keySet().stream().filter(k -> !after.containsKey(k))
                .forEach(k -> delta.put(k + " (gone)", -before.get(k)));
        return delta;
    }

    /** The delta caused by running {@code action} between two scrapes. */
    static Map<String, Double> of(Supplier<String> scrape, Runnable action) {
        Map<String, Double> before = snapshot(scrape.get());
        action.run();
        return between(before, snapshot(scrape.get()));
    }
}
