package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stepprogress.testkit.PrometheusMetrics;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BucketQuantilesTest {

    private static final String BEFORE = """
            # TYPE progress_relay_lag_seconds histogram
            progress_relay_lag_seconds_bucket{le="0.001"} 0
            progress_relay_lag_seconds_bucket{le="0.005"} 10
            progress_relay_lag_seconds_bucket{le="0.01"} 10
            progress_relay_lag_seconds_bucket{le="0.05"} 10
            progress_relay_lag_seconds_bucket{le="+Inf"} 10
            progress_relay_lag_seconds_count 10
            """;
    private static final String AFTER = """
            # TYPE progress_relay_lag_seconds histogram
            progress_relay_lag_seconds_bucket{le="0.001"} 0
            progress_relay_lag_seconds_bucket{le="0.005"} 60
            progress_relay_lag_seconds_bucket{le="0.01"} 100
            progress_relay_lag_seconds_bucket{le="0.05"} 110
            progress_relay_lag_seconds_bucket{le="+Inf"} 110
            progress_relay_lag_seconds_count 110
            """;

    @Test
    void theWindowIsTheDifferenceOfTwoScrapesInterpolatedInsideBuckets() {
        NavigableMap<Double, Double> delta = BucketQuantiles.delta(
                BucketQuantiles.buckets(PrometheusMetrics.parse(AFTER), "progress_relay_lag_seconds"),
                BucketQuantiles.buckets(PrometheusMetrics.parse(BEFORE), "progress_relay_lag_seconds"));

        assertThat(BucketQuantiles.count(delta)).isEqualTo(100);
        // 50 in (1 ms, 5 ms], 40 in (5, 10], 10 in (10, 50]
        assertThat(BucketQuantiles.quantile(0.5, delta)).isCloseTo(0.005, within(1e-9));
        assertThat(BucketQuantiles.quantile(0.25, delta)).isCloseTo(0.003, within(1e-9));
        assertThat(BucketQuantiles.quantile(0.9, delta)).isCloseTo(0.01, within(1e-9));
        assertThat(BucketQuantiles.quantile(0.99, delta)).isCloseTo(0.01 + 0.04 * 0.9, within(1e-9));
    }

    @Test
    void aCountReadAMomentAfterTheBucketsDoesNotPushHighQuantilesToInfinity() {
        NavigableMap<Double, Double> before = new TreeMap<>();
        before.put(0.1, 0.0);
        before.put(60.0, 0.0);
        before.put(Double.POSITIVE_INFINITY, 0.0);
        NavigableMap<Double, Double> after = new TreeMap<>();
        after.put(0.1, 230.0);
        after.put(60.0, 230.0);
        after.put(Double.POSITIVE_INFINITY, 232.0); // two samples recorded while the scrape was written

        NavigableMap<Double, Double> delta = BucketQuantiles.delta(after, before);

        assertThat(delta.get(Double.POSITIVE_INFINITY)).isEqualTo(230.0);
        assertThat(BucketQuantiles.quantile(0.99, delta)).isLessThanOrEqualTo(0.1);

        after.put(Double.POSITIVE_INFINITY, 300.0); // really beyond the last bound: kept
        assertThat(BucketQuantiles.delta(after, before).get(Double.POSITIVE_INFINITY)).isEqualTo(300.0);
    }

    @Test
    void seriesWithOtherLabelsAreSummedPerBound() {
        String text = """
                x_bucket{le="1.0",job="a"} 2
                x_bucket{le="1.0",job="b"} 3
                x_bucket{le="+Inf",job="a"} 4
                x_bucket{le="+Inf",job="b"} 3
                """;

        NavigableMap<Double, Double> buckets = BucketQuantiles.buckets(PrometheusMetrics.parse(text), "x");

        assertThat(buckets).containsEntry(1.0, 5.0).containsEntry(Double.POSITIVE_INFINITY, 7.0);
    }

    @Test
    void theInfiniteBucketAnswersTheLargestFiniteBoundAndNothingIsNaN() {
        NavigableMap<Double, Double> buckets = new TreeMap<>();
        buckets.put(0.1, 1.0);
        buckets.put(Double.POSITIVE_INFINITY, 10.0);

        assertThat(BucketQuantiles.quantile(0.99, buckets)).isEqualTo(0.1);
        assertThat(BucketQuantiles.quantile(0.5, new TreeMap<>())).isNaN();
    }

    @Test
    void aBucketSummaryInMilliseconds() {
        NavigableMap<Double, Double> buckets = new TreeMap<>();
        buckets.put(0.001, 0.0);
        buckets.put(0.005, 50.0);
        buckets.put(0.01, 100.0);
        buckets.put(Double.POSITIVE_INFINITY, 100.0);

        LatencySummary s = SideMeasurements.bucketSummary(buckets);

        assertThat(s.count()).isEqualTo(100);
        assertThat(s.p50()).isEqualTo(5.0);
        assertThat(s.p99()).isEqualTo(9.9);
        assertThat(s.max()).isEqualTo(10.0);
    }
}
