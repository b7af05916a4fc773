package io.stepprogress.progress.initialization;

import io.stepprogress.event.Ids;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** An ordered, validated list of weighted steps. Invalid plans never exist: the factory rejects them. */
public record Plan(List<PlannedStep> steps) {

    public static final int MAX_STEPS = 50;
    public static final int MAX_LABEL_LENGTH = 200;
    public static final String ID_PATTERN = Ids.PATTERN;
    private static final Pattern ID = Pattern.compile(ID_PATTERN);

    public Plan {
        steps = List.copyOf(steps);
    }

    /** @throws InvalidPlanException naming the first rule the steps break */
    public static Plan of(List<PlannedStep> steps) {
        if (steps == null || steps.isEmpty()) {
            throw new InvalidPlanException("a plan needs at least one step");
        }
        if (steps.size() > MAX_STEPS) {
            throw new InvalidPlanException("a plan has at most " + MAX_STEPS + " steps, got " + steps.size());
        }
        Set<String> names = new HashSet<>();
        for (PlannedStep step : steps) {
            if (step == null || step.name() == null || !ID.matcher(step.name()).matches()) {
                throw new InvalidPlanException("step names must match " + ID_PATTERN);
            }
            if (!names.add(step.name())) {
                throw new InvalidPlanException("duplicate step name '" + step.name() + "'");
            }
            if (step.label() == null || step.label().isBlank() || step.label().length() > MAX_LABEL_LENGTH) {
                throw new InvalidPlanException("step '" + step.name() + "' needs a label of 1.."
                        + MAX_LABEL_LENGTH + " characters");
            }
            if (step.weight() <= 0) {
                throw new InvalidPlanException("step '" + step.name() + "' needs a positive weight, got "
                        + step.weight());
            }
        }
        return new Plan(steps);
    }
}
