package org.spfgate.bench.load;

import java.util.Arrays;

/** Latency samples of one phase (nanoseconds), sorted once, read as percentiles in milliseconds. */
final class Latencies {

    private final long[] sorted;

    Latencies(long[] samples) {
        this.sorted = samples.clone();
        Arrays.sort(sorted);
    }

    int count() {
        return sorted.length;
    }

    /** The {@code p}-th percentile (nearest rank), in milliseconds; NaN without samples. */
    double percentileMillis(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    double medianMillis() {
        return percentileMillis(50);
    }
}
