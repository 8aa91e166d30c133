package ai.ringrift.slurm.bench;

import java.util.Arrays;

/** A median with its 10th and 90th percentiles (nearest rank). */
record Spread(double median, double p10, double p90) {

    static Spread of(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return new Spread(rank(v, 0.5), rank(v, 0.1), rank(v, 0.9));
    }

    /** The nearest-rank percentile {@code p} (0..1] of sorted values. */
    static double rank(double[] sorted, double p) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1))];
    }
}
