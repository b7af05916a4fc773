package io.stepprogress.progress.initialization;

import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import java.time.Instant;

/** One step's mutable state inside an {@link Initialization}; only the aggregate changes it. */
final class Step {

    final String name;
    final String label;
    final int weight;
    StepStatus status;
    int progress;
    String message;
    Instant startedAt;
    Instant updatedAt;

    Step(String name, String label, int weight, StepStatus status, int progress, String message,
         Instant startedAt, Instant updatedAt) {
        this.name = name;
        this.label = label;
        this.weight = weight;
        this.status = status;
        this.progress = progress;
        this.message = message;
        this.startedAt = startedAt;
        this.updatedAt = updatedAt;
    }

    static Step pending(PlannedStep planned) {
        return new Step(planned.name(), planned.label(), planned.weight(), StepStatus.PENDING, 0, null, null, null);
    }

    /** Progress as counted in the overall figure: a completed step counts 100 whatever it last reported. */
    int effectiveProgress() {
        return status == StepStatus.COMPLETED ? 100 : progress;
    }

    PlannedStep planned() {
        return new PlannedStep(name, label, weight);
    }

    StepView view() {
        return new StepView(name, label, weight, status, progress, message, startedAt, updatedAt);
    }
}
