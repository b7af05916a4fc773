package io.stepprogress.progress.eta;

import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The time each step of a completed run is charged with: from the previous step's completion (the run's start for
 * the first one) to its own completion, in completion order. Waiting before a step starts (the worker's own work
 * between steps, a queue) is charged to that step, and the spans of a run add up to its wall time, whether its
 * steps ran one after another or side by side, so the remaining work of a run that has not started is its total.
 */
final class StepSpans {

    private StepSpans() {
    }

    /** @return seconds per step name, in completion order; empty unless every step completed */
    static Map<String, Double> of(InitializationView completed) {
        List<StepView> steps = completed.steps();
        Map<String, Double> spans = new LinkedHashMap<>();
        if (steps.isEmpty() || completed.startedAt() == null
                || !steps.stream().allMatch(s -> s.status() == StepStatus.COMPLETED && s.updatedAt() != null)) {
            return spans;
        }
        Instant previous = completed.startedAt();
        for (StepView step : steps.stream().sorted(Comparator.comparing(StepView::updatedAt)).toList()) {
            Instant done = step.updatedAt();
            spans.put(step.name(), done.isAfter(previous) ? Duration.between(previous, done).toNanos() / 1e9 : 0.0);
            if (done.isAfter(previous)) {
                previous = done;
            }
        }
        return spans;
    }
}
