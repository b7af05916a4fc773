package io.stepprogress.bench;

import io.stepprogress.testkit.PrometheusMetrics;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Quantiles of a Prometheus histogram over a time window: the difference of two scrapes' cumulative
 * {@code _bucket} counts, interpolated linearly inside the bucket as PromQL's {@code histogram_quantile} does.
 * Bucket bounds limit the precision: the answer lies within its bucket, nothing finer.
 */
public final class BucketQuantiles {

    private BucketQuantiles() {
    }

    /** Cumulative counts by upper bound ({@code le}, +Inf included), summed over every other label. */
    public static NavigableMap<Double, Double> buckets(PrometheusMetrics metrics, String histogram) {
        NavigableMap<Double, Double> buckets = new TreeMap<>();
        for (PrometheusMetrics.Sample sample : metrics.matching(histogram + "_bucket")) {
            String le = sample.labels().get("le");
            if (le != null) {
                buckets.merge(parseLe(le), sample.value(), Double::sum);
            }
        }
        return buckets;
    }

    static double parseLe(String le) {
        return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }

    /**
     * {@code after - before}, bucket by bucket (a bucket missing before counts 0). A scrape of a histogram that
     * is being recorded is not atomic: its +Inf bucket (the count) can be read a moment after the others and
     * hold a few more samples. An excess of +Inf over the largest finite bucket of at most 1% is that race and
     * is removed, so it does not drag a high quantile into the +Inf bucket.
     */
    public static NavigableMap<Double, Double> delta(NavigableMap<Double, Double> after,
                                                     NavigableMap<Double, Double> before) {
        NavigableMap<Double, Double> delta = new TreeMap<>();
        after.forEach((le, count) -> delta.put(le, Math.max(0, count - before.getOrDefault(le, 0.0))));
        Double infinite = delta.get(Double.POSITIVE_INFINITY);
        var finite = delta.lowerEntry(Double.POSITIVE_INFINITY);
        if (infinite != null && finite != null && infinite > finite.getValue()
                && infinite - finite.getValue() <= 0.01 * infinite) {
            delta.put(Double.POSITIVE_INFINITY, finite.getValue());
        }
        return delta;
    }

    /** The total count of a cumulative bucket map (its +Inf bucket, or its largest). */
    public static double count(NavigableMap<Double, Double> cumulative) {
        return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
    }

    /**
     * The {@code q}-quantile (0..1) of cumulative buckets; NaN when empty. In the +Inf bucket the answer is
     * the largest finite bound, as in PromQL.
     */
    public static double quantile(double q, NavigableMap<Double, Double> cumulative) {
        double total = count(cumulative);
        if (cumulative.isEmpty() || total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            double upper = bucket.getKey();
            double count = bucket.getValue();
            if (count >= rank && count > 0) {
                if (Double.isInfinite(upper)) {
                    return lowerBound;
                }
                if (count == lowerCount) {
                    return upper;
                }
                return lowerBound + (upper - lowerBound) * (rank - lowerCount) / (count - lowerCount);
            }
            lowerBound = Double.isInfinite(upper) ? lowerBound : upper;
            lowerCount = count;
        }
        return lowerBound;
    }
}
