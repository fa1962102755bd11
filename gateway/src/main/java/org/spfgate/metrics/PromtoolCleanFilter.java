package org.spfgate.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.Set;

/**
 * Keeps the scrape clean for {@code promtool check metrics}: Micrometer's own JVM and system
 * binders publish a few names that break Prometheus' naming conventions, and a meter without a
 * description becomes a metric without HELP text.
 *
 * <ul>
 *   <li>{@code system.cpu.count} would become {@code system_cpu_count}, a gauge with a
 *       {@code _count} suffix that Prometheus reserves for histograms and summaries: renamed
 *       to {@code system.cpus} ({@code system_cpus}).
 *   <li>{@code process.cpu.time} and {@code jvm.compilation.time} keep their base units
 *       (nanoseconds, milliseconds) in the name ({@code process_cpu_time_ns_total},
 *       {@code jvm_compilation_time_ms_total}) instead of seconds: dropped;
 *       {@code process_cpu_usage} stays.
 *   <li>Any meter registered without a description is dropped rather than published without
 *       HELP text; every spfgate meter has one, and a test checks the whole scrape.
 * </ul>
 */
final class PromtoolCleanFilter implements MeterFilter {

    private static final Set<String> NAMED_IN_FOREIGN_UNITS = Set.of("process.cpu.time", "jvm.compilation.time");

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        if (NAMED_IN_FOREIGN_UNITS.contains(id.getName())) {
            return MeterFilterReply.DENY;
        }
        String description = id.getDescription();
        if (description == null || description.isBlank()) {
            return MeterFilterReply.DENY;
        }
        return MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        if (id.getName().equals("system.cpu.count")) {
            return id.withName("system.cpus");
        }
        return id;
    }
}
