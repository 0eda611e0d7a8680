package dev.copytrade.examples.bench.pg;

import java.util.Arrays;

/** Median and spread of a few repeated measurements; one number alone hides how noisy the machine was. */
public record Stats(double median, double min, double max) {

    static Stats of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Stats(median, v[0], v[n - 1]);
    }

    /** (max − min) ÷ median, in percent: how far apart the runs were. */
    public double spreadPercent() {
        return median == 0 ? 0 : 100 * (max - min) / median;
    }

    /** Nearest-rank percentile of already sorted nanos. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
