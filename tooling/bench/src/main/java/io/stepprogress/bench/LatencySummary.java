package io.stepprogress.bench;

import org.HdrHistogram.AbstractHistogram;

/**
 * The percentiles of one latency histogram, in milliseconds. Histograms record microseconds
 * ({@link Latency#UNIT}), so every value here is exact to HdrHistogram's 3 significant digits.
 */
public record LatencySummary(long count, double min, double mean, double p50, double p90, double p99,
                             double p999, double max) {

    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0);

    /** @param histogram values in microseconds */
    public static LatencySummary of(AbstractHistogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(histogram.getTotalCount(), ms(histogram.getMinValue()), ms(histogram.getMean()),
                ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(90)),
                ms(histogram.getValueAtPercentile(99)), ms(histogram.getValueAtPercentile(99.9)),
                ms(histogram.getMaxValue()));
    }

    private static double ms(double micros) {
        return Math.round(micros) / 1000.0;
    }
}
