package io.stepprogress.audit.log;

import io.stepprogress.event.StepProgressUpdated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.OptionalLong;

/** One event, one transaction: the gap check and the insert commit together, or not at all. */
@ApplicationScoped
public class AuditRecorder {

    /** What recording an event did. {@code previousSequence} is set when a gap was found before it. */
    public record Outcome(boolean written, OptionalLong gapAfter) {
    }

    private final AuditLog log;

    AuditRecorder(AuditLog log) {
        this.log = log;
    }

    @Transactional
    public Outcome record(StepProgressUpdated event, String payload, int partition, long offset) {
        if (!log.insert(event, payload, partition, offset)) {
            return new Outcome(false, OptionalLong.empty());
        }
        OptionalLong previous = log.lastSequenceBefore(event.projectId(), event.sequence());
        long expectedPrevious = event.sequence() - 1;
        boolean gap = expectedPrevious > 0 && (previous.isEmpty() || previous.getAsLong() != expectedPrevious);
        return new Outcome(true, gap ? OptionalLong.of(previous.orElse(0)) : OptionalLong.empty());
    }
}
