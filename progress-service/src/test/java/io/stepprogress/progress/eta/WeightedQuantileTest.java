package io.stepprogress.progress.eta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WeightedQuantileTest {

    private static double[] equal(int n) {
        double[] weights = new double[n];
        java.util.Arrays.fill(weights, 1);
        return weights;
    }

    @Test
    void theMedianOfEqualWeightsIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
        assertThat(WeightedQuantile.of(new double[]{30, 10, 20}, equal(3), 0.5)).isEqualTo(20);
        assertThat(WeightedQuantile.of(new double[]{40, 10, 30, 20}, equal(4), 0.5)).isEqualTo(25);
    }

    @Test
    void theNinetiethPercentileOfOneToTenInterpolatesBetweenNineAndTen() {
        double[] values = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

        // Midpoint positions: 9 sits at 0.85, 10 at 0.95, so 0.9 is half way.
        assertThat(WeightedQuantile.of(values, equal(10), 0.9)).isCloseTo(9.5, within(1e-9));
    }

    @Test
    void quantilesBeyondTheOuterSamplesAreTheSmallestAndTheLargestValue() {
        double[] values = {5, 7};

        assertThat(WeightedQuantile.of(values, equal(2), 0.1)).isEqualTo(5);
        assertThat(WeightedQuantile.of(values, equal(2), 0.99)).isEqualTo(7);
        assertThat(WeightedQuantile.of(new double[]{42}, equal(1), 0.9)).isEqualTo(42);
    }

    @Test
    void aHeavierSampleDrawsTheMedianTowardsItself() {
        double[] values = {10, 20};

        assertThat(WeightedQuantile.of(values, new double[]{3, 1}, 0.5)).isLessThan(15);
        assertThat(WeightedQuantile.of(values, new double[]{1, 3}, 0.5)).isGreaterThan(15);
    }
}
