package io.stepprogress.audit.log;

import io.stepprogress.event.StepProgressUpdated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One batch, one transaction: the insert, the duplicate/conflict check and the gap check commit together, or
 * not at all (then the whole batch is tried again).
 */
@ApplicationScoped
public class AuditRecorder {

    /** A recorded event whose project's last recorded sequence before it is not the one just before it. */
    public record Gap(StepProgressUpdated event, long previous) {
    }

    /**
     * What recording a batch did, each list in the batch's order.
     *
     * @param duplicates rows whose event id was recorded already (a redelivery): skipped
     * @param conflicts  rows whose project and sequence are recorded for another event id: not recorded
     */
    public record Outcome(List<AuditLog.Row> written, List<AuditLog.Row> duplicates, List<AuditLog.Row> conflicts,
                          List<Gap> gaps) {
    }

    private final AuditLog log;

    AuditRecorder(AuditLog log) {
        this.log = log;
    }

    /** @param rows at most one per event id (the intake drops repeats within a batch) */
    @Transactional
    public Outcome record(List<AuditLog.Row> rows) {
        Set<UUID> inserted = log.insertNew(rows, Instant.now());
        List<AuditLog.Row> written = new ArrayList<>(inserted.size());
        List<AuditLog.Row> skipped = new ArrayList<>();
        for (AuditLog.Row row : rows) {
            (inserted.contains(row.event().eventId()) ? written : skipped).add(row);
        }
        List<AuditLog.Row> duplicates = new ArrayList<>();
        List<AuditLog.Row> conflicts = new ArrayList<>();
        if (!skipped.isEmpty()) {
            Set<UUID> recorded = log.recordedAmong(skipped.stream().map(row -> row.event().eventId()).toList());
            for (AuditLog.Row row : skipped) {
                (recorded.contains(row.event().eventId()) ? duplicates : conflicts).add(row);
            }
        }
        List<Gap> gaps = new ArrayList<>();
        if (!written.isEmpty()) {
            List<StepProgressUpdated> events = written.stream().map(AuditLog.Row::event).toList();
            long[] previous = log.lastSequencesBefore(events);
            for (int i = 0; i < previous.length; i++) {
                long expected = events.get(i).sequence() - 1;
                if (expected > 0 && previous[i] != expected) {
                    gaps.add(new Gap(events.get(i), previous[i]));
                }
            }
        }
        return new Outcome(written, duplicates, conflicts, gaps);
    }
}
