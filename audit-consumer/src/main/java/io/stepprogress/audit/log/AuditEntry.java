package io.stepprogress.audit.log;

import io.stepprogress.event.StepProgressUpdated;
import java.time.Instant;

/** One row of the audit log: when and where the event was recorded, and the event itself. */
public record AuditEntry(long sequence, Instant recordedAt, int kafkaPartition, long kafkaOffset,
                         StepProgressUpdated event) {
}
