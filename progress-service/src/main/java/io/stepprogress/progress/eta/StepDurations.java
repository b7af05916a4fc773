package io.stepprogress.progress.eta;

import java.util.Arrays;

/**
 * What a step took in the last finished runs that had it, most recent first, at most the configured window: the
 * statistics one step name keeps (see {@link StepSpans} for what a step's time is).
 *
 * @param seconds most recent first; empty when no finished run had this step
 */
record StepDurations(String step, double[] seconds) {

    static StepDurations none(String step) {
        return new StepDurations(step, new double[0]);
    }

    int runs() {
        return seconds.length;
    }

    /** Weight of the {@code age}-th most recent run: {@code decay^age}, so a changed step is followed. */
    static double weight(double decay, int age) {
        return Math.pow(decay, age);
    }

    double percentile(double q, double decay) {
        double[] weights = new double[seconds.length];
        Arrays.setAll(weights, age -> weight(decay, age));
        return WeightedQuantile.of(seconds, weights, q);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StepDurations o && step.equals(o.step) && Arrays.equals(seconds, o.seconds);
    }

    @Override
    public int hashCode() {
        return 31 * step.hashCode() + Arrays.hashCode(seconds);
    }

    @Override
    public String toString() {
        return "StepDurations[" + step + "=" + Arrays.toString(seconds) + "]";
    }
}
