package io.stepprogress.progress.initialization;

import io.stepprogress.event.PlanRules;
import io.stepprogress.event.ValidId;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Request bodies of the write API; the constraints are the API's documented limits. */
public final class ProgressRequests {

    public static final int MAX_MESSAGE_LENGTH = 1000;

    private ProgressRequests() {
    }

    /**
     * The plan rules ({@link PlanRules}) as field constraints, with their messages; the rule that needs the
     * whole list (duplicate names) is checked by {@link Plan#of}.
     */
    public record PlanRequest(
            @NotNull(message = "steps are required when a body is sent")
            @Size(min = 1, max = PlanRules.MAX_STEPS, message = PlanRules.STEP_COUNT)
            List<@NotNull(message = PlanRules.STEP_MISSING) @Valid StepRequest> steps) {

        Plan toPlan() {
            return Plan.of(steps.stream().map(s -> new PlannedStep(s.name(), s.label(), s.weight())).toList());
        }
    }

    public record StepRequest(
            @NotNull(message = PlanRules.REQUIRED) @ValidId String name,
            @NotBlank(message = PlanRules.REQUIRED)
            @Size(max = PlanRules.MAX_LABEL_LENGTH, message = PlanRules.LABEL_LENGTH)
            String label,
            @NotNull(message = PlanRules.REQUIRED) @Min(value = PlanRules.MIN_WEIGHT, message = PlanRules.WEIGHT)
            Integer weight) {
    }

    public record ProgressRequest(
            @NotNull(message = "is required") @Min(value = 0, message = "must be between 0 and 100")
            @Max(value = 100, message = "must be between 0 and 100") Integer progress,
            @Size(max = MAX_MESSAGE_LENGTH, message = "must be at most " + MAX_MESSAGE_LENGTH + " characters")
            String message) {
    }

    public record CompleteRequest(
            @Size(max = MAX_MESSAGE_LENGTH, message = "must be at most " + MAX_MESSAGE_LENGTH + " characters")
            String message) {
    }

    public record FailRequest(
            @NotBlank(message = "is required")
            @Size(max = MAX_MESSAGE_LENGTH, message = "must be at most " + MAX_MESSAGE_LENGTH + " characters")
            String reason) {
    }

    public record CancelRequest(
            @Size(max = MAX_MESSAGE_LENGTH, message = "must be at most " + MAX_MESSAGE_LENGTH + " characters")
            String reason) {
    }
}
