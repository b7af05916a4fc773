package io.stepprogress.audit.log;

import io.agroal.api.AgroalDataSource;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.StepProgressUpdated;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.postgresql.util.PSQLException;

/** The audit table, by plain JDBC inside the caller's transaction. */
@ApplicationScoped
public class AuditLog {

    private static final String COLUMNS = "sequence, recorded_at, kafka_partition, kafka_offset, payload::text";

    private final AgroalDataSource dataSource;

    AuditLog(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The unique constraint on {@code (project_id, sequence)} (V1__audit_event.sql). */
    static final String PROJECT_SEQUENCE_CONSTRAINT = "audit_event_project_sequence";

    /**
     * Only the event id is a duplicate: a conflict on it is a redelivery and is skipped. A conflict on the
     * project's sequence is another event claiming a recorded position, which must not pass for a duplicate.
     *
     * @return false when the event id is already recorded
     * @throws SequenceConflictException when another event holds the project's sequence
     */
    public boolean insert(StepProgressUpdated event, String payload, int partition, long offset) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_event (event_id, project_id, "
                     + "sequence, type, change, step, status, occurred_at, recorded_at, kafka_partition, "
                     + "kafka_offset, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) "
                     + "ON CONFLICT (event_id) DO NOTHING")) {
            insert.setObject(1, event.eventId());
            insert.setString(2, event.projectId());
            insert.setLong(3, event.sequence());
            insert.setString(4, event.type());
            insert.setString(5, event.change() == null ? "unknown" : event.change().wireName());
            insert.setString(6, event.step() == null ? null : event.step().name());
            insert.setString(7, event.initialization().status().wireName());
            insert.setObject(8, event.occurredAt().atOffset(ZoneOffset.UTC));
            insert.setObject(9, OffsetDateTime.now(ZoneOffset.UTC));
            insert.setInt(10, partition);
            insert.setLong(11, offset);
            insert.setString(12, payload);
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null
                    && PROJECT_SEQUENCE_CONSTRAINT.equals(psql.getServerErrorMessage().getConstraint())) {
                throw new SequenceConflictException("sequence conflict: event " + event.eventId() + " claims project "
                        + event.projectId() + " sequence " + event.sequence() + ", recorded for another event id");
            }
            throw new IllegalStateException("cannot record event " + event.eventId(), e);
        }
    }

    /** Two different events for one project and sequence: one of them is not what progress-service wrote. */
    public static final class SequenceConflictException extends RuntimeException {
        SequenceConflictException(String message) {
            super(message);
        }
    }

    /** The highest sequence recorded for a project before this one, to notice gaps. */
    public OptionalLong lastSequenceBefore(String projectId, long sequence) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT max(sequence) FROM audit_event WHERE project_id = ? AND sequence < ?")) {
            select.setString(1, projectId);
            select.setLong(2, sequence);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                long max = row.getLong(1);
                return row.wasNull() ? OptionalLong.empty() : OptionalLong.of(max);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit log of " + projectId, e);
        }
    }

    public List<AuditEntry> page(String projectId, long afterSequence, int limit) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM audit_event "
                     + "WHERE project_id = ? AND sequence > ? ORDER BY sequence LIMIT ?")) {
            select.setString(1, projectId);
            select.setLong(2, afterSequence);
            select.setInt(3, limit);
            try (ResultSet rows = select.executeQuery()) {
                List<AuditEntry> entries = new ArrayList<>();
                while (rows.next()) {
                    entries.add(entry(rows));
                }
                return entries;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit log of " + projectId, e);
        }
    }

    public Optional<AuditEntry> find(UUID eventId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                     + " FROM audit_event WHERE event_id = ?")) {
            select.setObject(1, eventId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(entry(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read event " + eventId, e);
        }
    }

    public long count(String projectId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT count(*) FROM audit_event WHERE project_id = ?")) {
            select.setString(1, projectId);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count events of " + projectId, e);
        }
    }

    private static AuditEntry entry(ResultSet row) throws SQLException {
        Instant recordedAt = row.getObject(2, OffsetDateTime.class).toInstant();
        StepProgressUpdated event = EventJson.read(row.getString(5).getBytes(StandardCharsets.UTF_8));
        return new AuditEntry(row.getLong(1), recordedAt, row.getInt(3), row.getLong(4), event);
    }
}
