package io.stepprogress.bench;

import java.util.Arrays;

/**
 * One-sided Mann–Whitney U (Wilcoxon rank-sum) test: are the values of {@code later} stochastically greater than
 * those of {@code earlier}? Used on per-second e2e p99s to ask whether the load after an overload is slower than
 * the same load before it. Ranks, so one outlying second weighs as one second, not by its size; normal
 * approximation with the tie correction and a continuity correction (each sample here has tens of values).
 */
final class RankSum {

    private RankSum() {
    }

    /**
     * The one-sided p-value of "{@code later} is greater": small when {@code later}'s values rank above
     * {@code earlier}'s; NaN when either sample is empty.
     */
    static double pLaterGreater(double[] earlier, double[] later) {
        int n1 = earlier.length;
        int n2 = later.length;
        if (n1 == 0 || n2 == 0) {
            return Double.NaN;
        }
        int n = n1 + n2;
        double[][] all = new double[n][];
        for (int i = 0; i < n1; i++) {
            all[i] = new double[] {earlier[i], 0};
        }
        for (int i = 0; i < n2; i++) {
            all[n1 + i] = new double[] {later[i], 1};
        }
        Arrays.sort(all, (a, b) -> Double.compare(a[0], b[0]));
        double laterRankSum = 0;
        double tieTerm = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && all[j + 1][0] == all[i][0]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            int ties = j - i + 1;
            tieTerm += (double) ties * ties * ties - ties;
            for (int k = i; k <= j; k++) {
                if (all[k][1] == 1) {
                    laterRankSum += averageRank;
                }
            }
            i = j + 1;
        }
        double u = laterRankSum - n2 * (n2 + 1) / 2.0;
        double mean = n1 * (double) n2 / 2;
        double variance = n1 * (double) n2 / 12 * ((n + 1) - tieTerm / ((double) n * (n - 1)));
        if (variance <= 0) {
            return u > mean ? 0 : 1; // every value equal
        }
        double z = (u - mean - 0.5) / Math.sqrt(variance);
        return 1 - standardNormalCdf(z);
    }

    /** Φ(z), by Abramowitz and Stegun 7.1.26 (absolute error under 1.5e-7). */
    static double standardNormalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                + t * 1.061405429)))) * Math.exp(-x * x);
        return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }
}
