package io.stepprogress.client;

import java.util.List;
import java.util.Objects;

/**
 * One step of a plan sent with {@link ProgressClient#start(String, List)}.
 *
 * @param name   the step's id, {@code [A-Za-z0-9._-]{1,64}}, used in the step URLs
 * @param label  what people read, at most 200 characters
 * @param weight its share of the overall progress, at least 1
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
