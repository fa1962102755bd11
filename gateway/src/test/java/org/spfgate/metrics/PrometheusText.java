package org.spfgate.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A scrape in the Prometheus text format 0.0.4, parsed for assertions. */
record PrometheusText(Map<String, String> types, Map<String, String> help, List<Sample> samples) {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    static PrometheusText parse(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> help = new LinkedHashMap<>();
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ", 2);
                types.put(parts[0], parts[1]);
            } else if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                help.put(parts[0], parts.length > 1 ? parts[1] : "");
            } else if (!line.startsWith("#")) {
                samples.add(sample(line));
            }
        }
        return new PrometheusText(types, help, samples);
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String key = line.substring(i, eq);
                StringBuilder value = new StringBuilder();
                int j = eq + 2; // past ="
                while (line.charAt(j) != '"') {
                    if (line.charAt(j) == '\\') {
                        j++;
                    }
                    value.append(line.charAt(j++));
                }
                labels.put(key, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
        } else {
            name = line.substring(0, space);
        }
        return new Sample(name, labels, Double.parseDouble(line.substring(space + 1)));
    }

    /** The value of the one sample with this name and exactly these labels (key, value, ...). */
    double value(String name, String... labelPairs) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            wanted.put(labelPairs[i], labelPairs[i + 1]);
        }
        return samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().equals(wanted))
                .mapToDouble(Sample::value)
                .reduce((a, b) -> {
                    throw new AssertionError("two samples " + name + wanted);
                })
                .orElseThrow(() -> new AssertionError("no sample " + name + wanted));
    }

    /** Every sample of a metric family as "name{labels} value" lines, for failure messages. */
    List<Sample> family(String metric) {
        return samples.stream().filter(s -> belongsTo(s.name(), metric)).toList();
    }

    /** The label names a metric family uses, without the histogram's {@code le}. */
    Set<String> labelNames(String metric) {
        Set<String> names = new TreeSet<>();
        family(metric).forEach(s -> names.addAll(s.labels().keySet()));
        names.remove("le");
        return names;
    }

    private static boolean belongsTo(String sampleName, String metric) {
        return sampleName.equals(metric) || sampleName.equals(metric + "_bucket")
                || sampleName.equals(metric + "_count") || sampleName.equals(metric + "_sum");
    }
}
