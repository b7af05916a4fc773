package io.stepprogress.progress.eta;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Quantiles of weighted samples. Each sample sits at the middle of its share of the total weight and values in
 * between are interpolated linearly, so equal weights give the usual midpoint (Hazen) quantile: the median of two
 * values is their mean. Recent runs weigh more than old ones; this is how the decay reaches the percentiles.
 */
final class WeightedQuantile {

    private WeightedQuantile() {
    }

    /**
     * @param values  at least one
     * @param weights one per value, positive
     * @param q       0..1
     */
    static double of(double[] values, double[] weights, double q) {
        if (values.length == 0 || values.length != weights.length) {
            throw new IllegalArgumentException("needs one weight per value and at least one value");
        }
        Integer[] order = new Integer[values.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double total = Arrays.stream(weights).sum();
        double below = 0;
        double previousPosition = 0;
        double previousValue = values[order[0]];
        for (int rank = 0; rank < order.length; rank++) {
            int i = order[rank];
            double position = (below + weights[i] / 2) / total;
            if (q <= position) {
                if (rank == 0) {
                    return values[i];
                }
                double share = (q - previousPosition) / (position - previousPosition);
                return previousValue + share * (values[i] - previousValue);
            }
            below += weights[i];
            previousPosition = position;
            previousValue = values[i];
        }
        return previousValue;
    }
}
