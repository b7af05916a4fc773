package io.stepprogress.event;

import java.time.Instant;
import java.util.UUID;

/**
 * The domain event written to the outbox with every state change of an initialization, in the same
 * transaction, and relayed to {@link ProgressTopics#PROJECT_PROGRESS} keyed by {@code projectId}.
 *
 * <p>{@code sequence} is per project, starts at 1 and has no gaps: consumers order and dedupe by it and
 * can tell a gap from a duplicate. {@code eventId} is unique per event, for idempotent consumers.
 *
 * @param step           the step that changed, after the change; null for {@link ChangeKind#INITIALIZED}
 *                       and {@link ChangeKind#CANCELLED}
 * @param initialization the whole view after the change
 */
public record StepProgressUpdated(
        UUID eventId,
        String type,
        String projectId,
        long sequence,
        Instant occurredAt,
        ChangeKind change,
        StepView step,
        InitializationView initialization) {

    public static final String TYPE = "StepProgressUpdated";

    public static StepProgressUpdated of(UUID eventId, Instant occurredAt, ChangeKind change, StepView step,
                                         InitializationView initialization) {
        return new StepProgressUpdated(eventId, TYPE, initialization.projectId(), initialization.sequence(),
                occurredAt, change, step, initialization);
    }
}
