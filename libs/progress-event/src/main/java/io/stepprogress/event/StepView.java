package io.stepprogress.event;

import java.time.Instant;

/** One step of an initialization as clients see it. {@code progress} is 0..100. */
public record StepView(
        String name,
        String label,
        int weight,
        StepStatus status,
        int progress,
        String message,
        Instant startedAt,
        Instant updatedAt) {
}
