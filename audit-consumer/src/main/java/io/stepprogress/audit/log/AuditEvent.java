package io.stepprogress.audit.log;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import io.stepprogress.event.EventJson;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.Immutable;

/**
 * A row of the audit log (V1__audit_event.sql), for reading it: its history queries are Panache's. Rows are
 * written only by {@link AuditLog#insertNew}, one SQL statement per batch, never through this entity: an audit
 * row, once recorded, does not change.
 */
@Entity
@Table(name = "audit_event")
@Immutable
public class AuditEvent extends PanacheEntityBase {

    @Id
    @Column(name = "event_id")
    public UUID eventId;

    @Column(name = "project_id")
    public String projectId;

    public long sequence;

    @Column(name = "recorded_at")
    public OffsetDateTime recordedAt;

    @Column(name = "kafka_partition")
    public int kafkaPartition;

    @Column(name = "kafka_offset")
    public long kafkaOffset;

    /** The event's JSON (a jsonb column, read as its text). */
    public String payload;

    /** A project's events after a sequence, in sequence order, at most {@code limit}. */
    static List<AuditEvent> history(String projectId, long afterSequence, int limit) {
        return find("projectId = ?1 and sequence > ?2", Sort.by("sequence"), projectId, afterSequence)
                .page(0, limit).list();
    }

    static long countOf(String projectId) {
        return count("projectId", projectId);
    }

    AuditEntry entry() {
        return new AuditEntry(sequence, recordedAt.toInstant(), kafkaPartition, kafkaOffset,
                EventJson.read(payload.getBytes(StandardCharsets.UTF_8)));
    }
}
