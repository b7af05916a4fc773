package io.stepprogress.progress.initialization;

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

    /** Plan rules that need the whole list (duplicates) are checked by {@link Plan#of}. */
    public record PlanRequest(
            @NotNull(message = "steps are required when a body is sent")
            @Size(min = 1, max = Plan.MAX_STEPS, message = "a plan has 1 to " + Plan.MAX_STEPS + " steps")
            List<@NotNull(message = "a step cannot be null") @Valid StepRequest> steps) {

        Plan toPlan() {
            return Plan.of(steps.stream().map(s -> new PlannedStep(s.name(), s.label(), s.weight())).toList());
        }
    }

    public record StepRequest(
            @NotNull(message = "is required")
            @jakarta.validation.constraints.Pattern(regexp = Plan.ID_PATTERN, message = "must match " + Plan.ID_PATTERN)
            String name,
            @NotBlank(message = "is required")
            @Size(max = Plan.MAX_LABEL_LENGTH, message = "must be at most " + Plan.MAX_LABEL_LENGTH + " characters")
            String label,
            @NotNull(message = "is required") @Min(value = 1, message = "must be a positive integer") Integer weight) {
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
