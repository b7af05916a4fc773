package io.stepprogress.event;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The rules of a plan (the steps an initialization runs), with the one set of messages that reports them:
 * progress-service's request constraints (Bean Validation) and its {@code Plan.of} both use these, and
 * progress-client's {@code PlannedStep} documents them. A step's name is an id ({@link Ids}).
 */
public final class PlanRules {

    public static final int MAX_STEPS = 50;
    public static final int MAX_LABEL_LENGTH = 200;
    public static final int MIN_WEIGHT = 1;

    /** The messages, as Bean Validation reports them after the field's name ("steps[0].weight must be ..."). */
    public static final String STEP_COUNT = "a plan has 1 to " + MAX_STEPS + " steps";
    public static final String STEP_MISSING = "a step cannot be null";
    public static final String REQUIRED = "is required";
    public static final String NAME = Ids.MESSAGE;
    public static final String LABEL_LENGTH = "must be at most " + MAX_LABEL_LENGTH + " characters";
    public static final String WEIGHT = "must be a positive integer";

    private PlanRules() {
    }

    /** The rule that needs the whole list, so no field constraint can check it. */
    public static String duplicateName(String name) {
        return "duplicate step name '" + name + "'";
    }

    /**
     * The first rule that {@code steps} break, worded as a rejected request is ("steps[1].label is required"),
     * or empty when they make a valid plan.
     */
    public static <S> Optional<String> firstViolation(List<S> steps, Function<S, String> name,
            Function<S, String> label, Function<S, Integer> weight) {
        if (steps == null || steps.isEmpty() || steps.size() > MAX_STEPS) {
            return Optional.of(STEP_COUNT + (steps == null ? "" : ", got " + steps.size()));
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < steps.size(); i++) {
            S step = steps.get(i);
            String field = "steps[" + i + "].";
            if (step == null) {
                return Optional.of("steps[" + i + "] " + STEP_MISSING);
            }
            if (name.apply(step) == null) {
                return Optional.of(field + "name " + REQUIRED);
            }
            if (!Ids.valid(name.apply(step))) {
                return Optional.of(field + "name " + NAME);
            }
            if (!names.add(name.apply(step))) {
                return Optional.of(duplicateName(name.apply(step)));
            }
            String text = label.apply(step);
            if (text == null || text.isBlank()) {
                return Optional.of(field + "label " + REQUIRED);
            }
            if (text.length() > MAX_LABEL_LENGTH) {
                return Optional.of(field + "label " + LABEL_LENGTH);
            }
            Integer w = weight.apply(step);
            if (w == null) {
                return Optional.of(field + "weight " + REQUIRED);
            }
            if (w < MIN_WEIGHT) {
                return Optional.of(field + "weight " + WEIGHT + ", got " + w);
            }
        }
        return Optional.empty();
    }
}
