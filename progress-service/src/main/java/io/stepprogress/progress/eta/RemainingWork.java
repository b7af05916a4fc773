package io.stepprogress.progress.eta;

import io.stepprogress.event.Eta;
import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The estimate of a run's remaining time from the history of its steps. The k-th most recent run of every
 * remaining step is taken together as one past run (in the common case, plans whose steps run together, it is the
 * same run), and its remaining time is what its steps took: a pending step in full, a running step for the share
 * of its progress still to do. Percentiles over those past runs, weighted by recency, are the estimate: a p90 of
 * the sum, not a sum of p90s, which would overstate it.
 */
final class RemainingWork {

    private RemainingWork() {
    }

    /**
     * @param steps   the view's steps; completed ones count nothing
     * @param history the durations of a step name (empty when no finished run had it)
     * @param decay   weight factor per run of age (0 < decay <= 1)
     * @return null when no step is left or a remaining step has no history
     */
    static Eta estimate(List<StepView> steps, Function<String, StepDurations> history, double decay) {
        List<StepView> left = steps.stream().filter(s -> s.status() != StepStatus.COMPLETED).toList();
        if (left.isEmpty() || left.stream().anyMatch(s -> s.status() == StepStatus.FAILED)) {
            return null;
        }
        List<StepDurations> durations = new ArrayList<>();
        int basis = Integer.MAX_VALUE;
        for (StepView step : left) {
            StepDurations known = history.apply(step.name());
            if (known == null || known.runs() == 0) {
                return null;
            }
            durations.add(known);
            basis = Math.min(basis, known.runs());
        }
        double[] remaining = new double[basis];
        for (int age = 0; age < basis; age++) {
            double sum = 0;
            for (int i = 0; i < left.size(); i++) {
                sum += durations.get(i).seconds()[age] * (100 - left.get(i).progress()) / 100.0;
            }
            remaining[age] = sum;
        }
        double[] weights = new double[basis];
        Arrays.setAll(weights, age -> StepDurations.weight(decay, age));
        return new Eta(tenths(WeightedQuantile.of(remaining, weights, 0.5)),
                tenths(WeightedQuantile.of(remaining, weights, 0.9)), basis);
    }

    /** Seconds with one decimal: finer is noise, coarser hides the last seconds of a short run. */
    static double tenths(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }
}
