package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RankSumTest {

    @Test
    void laterValuesAllAboveTheEarlierOnesAreSignificantlyGreater() {
        // U = 25 of 25, mean 12.5, variance 5 * 5 / 12 * 11; z = (25 - 12.5 - 0.5) / sd = 2.507
        double p = RankSum.pLaterGreater(new double[] {1, 2, 3, 4, 5}, new double[] {6, 7, 8, 9, 10});

        assertThat(p).isCloseTo(0.00609, within(1e-4));
    }

    @Test
    void theTestIsOneSided() {
        assertThat(RankSum.pLaterGreater(new double[] {6, 7, 8, 9, 10}, new double[] {1, 2, 3, 4, 5}))
                .isGreaterThan(0.99);
    }

    @Test
    void theSameValuesAreNotGreaterAndTiesShareTheirRank() {
        double[] values = {30, 40, 40, 50, 60, 60, 60, 70};

        assertThat(RankSum.pLaterGreater(values, values.clone())).isGreaterThan(0.5);
        assertThat(RankSum.pLaterGreater(new double[] {5, 5, 5}, new double[] {5, 5})).isEqualTo(1);
    }

    @Test
    void oneOutlierWeighsAsOneValueWhateverItsSize() {
        double[] earlier = {30, 35, 40, 45, 50, 30, 35, 40, 45, 50};
        double[] later = {30, 35, 40, 45, 50, 30, 35, 40, 45, 50, 5_000};

        assertThat(RankSum.pLaterGreater(earlier, later)).isGreaterThan(0.3);
    }

    @Test
    void anEmptySampleHasNoAnswer() {
        assertThat(RankSum.pLaterGreater(new double[0], new double[] {1})).isNaN();
        assertThat(RankSum.pLaterGreater(new double[] {1}, new double[0])).isNaN();
    }

    @Test
    void theNormalCdfMatchesItsTable() {
        assertThat(RankSum.standardNormalCdf(0)).isCloseTo(0.5, within(1e-7));
        assertThat(RankSum.standardNormalCdf(1.959964)).isCloseTo(0.975, within(1e-6));
        assertThat(RankSum.standardNormalCdf(-1.644854)).isCloseTo(0.05, within(1e-6));
    }
}
