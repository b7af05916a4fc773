package io.stepprogress.progress.initialization;

import io.stepprogress.event.PlanRules;
import java.util.List;

/**
 * An ordered, validated list of weighted steps. Invalid plans never exist: the factory rejects them, by the
 * rules and with the messages of {@link PlanRules} (the same a rejected request gets).
 */
public record Plan(List<PlannedStep> steps) {

    public Plan {
        steps = List.copyOf(steps);
    }

    /** @throws InvalidPlanException naming the first rule the steps break */
    public static Plan of(List<PlannedStep> steps) {
        PlanRules.firstViolation(steps, PlannedStep::name, PlannedStep::label, PlannedStep::weight)
                .ifPresent(rule -> {
                    throw new InvalidPlanException(rule);
                });
        return new Plan(steps);
    }
}
