package io.stepprogress.client;

import io.stepprogress.event.Ids;
import io.stepprogress.event.PlanRules;
import java.util.List;
import java.util.Objects;

/**
 * One step of a plan sent with {@link ProgressClient#start(String, List)}. The server checks the plan's rules
 * ({@link PlanRules}: 1 to {@value PlanRules#MAX_STEPS} steps with distinct names) and answers a broken one
 * with {@link InvalidRequestException}.
 *
 * @param name   the step's id, {@value Ids#PATTERN}, used in the step URLs
 * @param label  what people read, at most {@value PlanRules#MAX_LABEL_LENGTH} characters
 * @param weight its share of the overall progress, at least {@value PlanRules#MIN_WEIGHT}
 */
public record PlannedStep(String name, String label, int weight) {

    public PlannedStep {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(label, "label");
    }

    /** A step of weight 1. */
    public static PlannedStep of(String name, String label) {
        return new PlannedStep(name, label, 1);
    }
}
