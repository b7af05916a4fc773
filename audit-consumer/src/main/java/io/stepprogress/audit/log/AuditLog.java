package io.stepprogress.audit.log;

import io.agroal.api.AgroalDataSource;
import io.stepprogress.event.StepProgressUpdated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The audit table. Reads (paged history, one event, counts) go through the {@link AuditEvent} entity with
 * Panache; the batch insert and its checks stay SQL by plain JDBC inside the caller's transaction: one
 * statement for a whole batch, with column arrays, which an ORM's per-entity inserts are not.
 */
@ApplicationScoped
public class AuditLog {

    private final AgroalDataSource dataSource;

    AuditLog(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One event to record, as it came and where Kafka had it. */
    public record Row(StepProgressUpdated event, String payload, int partition, long offset) {
    }

    /**
     * Inserts the rows in one statement (one round trip, one plan whatever the batch size: the columns go as
     * arrays). A row whose event id, or whose project and sequence, is already recorded is skipped, not an
     * error: the caller tells a redelivery from a conflict with {@link #recordedAmong}. Data the table cannot
     * take (too long, out of range) fails the whole statement.
     *
     * @return the event ids inserted
     */
    public Set<UUID> insertNew(List<Row> rows, Instant recordedAt) {
        int n = rows.size();
        String[] ids = new String[n];
        String[] projects = new String[n];
        Long[] sequences = new Long[n];
        String[] types = new String[n];
        String[] changes = new String[n];
        String[] steps = new String[n];
        String[] statuses = new String[n];
        String[] occurred = new String[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            Row row = rows.get(i);
            StepProgressUpdated event = row.event();
            ids[i] = event.eventId().toString();
            projects[i] = event.projectId();
            sequences[i] = event.sequence();
            types[i] = event.type();
            changes[i] = event.change() == null ? "unknown" : event.change().wireName();
            steps[i] = event.step() == null ? null : event.step().name();
            statuses[i] = event.initialization().status().wireName();
            occurred[i] = event.occurredAt().toString();
            partitions[i] = row.partition();
            offsets[i] = row.offset();
            payloads[i] = row.payload();
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_event (event_id, project_id, "
                     + "sequence, type, change, step, status, occurred_at, recorded_at, kafka_partition, "
                     + "kafka_offset, payload) SELECT e::uuid, p, s, t, c, st, ss, o::timestamptz, ?, kp, ko, pl::jsonb "
                     + "FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], "
                     + "?::text[], ?::int[], ?::bigint[], ?::text[]) WITH ORDINALITY "
                     + "AS r(e, p, s, t, c, st, ss, o, kp, ko, pl, n) ORDER BY n "
                     + "ON CONFLICT DO NOTHING RETURNING event_id")) {
            insert.setObject(1, recordedAt.atOffset(ZoneOffset.UTC));
            insert.setArray(2, connection.createArrayOf("text", ids));
            insert.setArray(3, connection.createArrayOf("text", projects));
            insert.setArray(4, connection.createArrayOf("bigint", sequences));
            insert.setArray(5, connection.createArrayOf("text", types));
            insert.setArray(6, connection.createArrayOf("text", changes));
            insert.setArray(7, connection.createArrayOf("text", steps));
            insert.setArray(8, connection.createArrayOf("text", statuses));
            insert.setArray(9, connection.createArrayOf("text", occurred));
            insert.setArray(10, connection.createArrayOf("int4", partitions));
            insert.setArray(11, connection.createArrayOf("bigint", offsets));
            insert.setArray(12, connection.createArrayOf("text", payloads));
            Set<UUID> inserted = new HashSet<>();
            try (ResultSet returned = insert.executeQuery()) {
                while (returned.next()) {
                    inserted.add(returned.getObject(1, UUID.class));
                }
            }
            return inserted;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record " + n + " events", e);
        }
    }

    /** Which of these event ids are recorded. */
    public Set<UUID> recordedAmong(Collection<UUID> eventIds) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT event_id FROM audit_event WHERE event_id = ANY (?::uuid[])")) {
            select.setArray(1, connection.createArrayOf("text",
                    eventIds.stream().map(UUID::toString).toArray(String[]::new)));
            Set<UUID> recorded = new HashSet<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    recorded.add(rows.getObject(1, UUID.class));
                }
            }
            return recorded;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look up " + eventIds.size() + " event ids", e);
        }
    }

    /**
     * For each event, the highest sequence recorded for its project below its own (0 when none), in one
     * statement: what tells a gap.
     */
    public long[] lastSequencesBefore(List<StepProgressUpdated> events) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT coalesce((SELECT max(a.sequence) "
                     + "FROM audit_event a WHERE a.project_id = r.p AND a.sequence < r.s), 0) "
                     + "FROM unnest(?::text[], ?::bigint[]) WITH ORDINALITY AS r(p, s, n) ORDER BY r.n")) {
            select.setArray(1, connection.createArrayOf("text",
                    events.stream().map(StepProgressUpdated::projectId).toArray(String[]::new)));
            select.setArray(2, connection.createArrayOf("bigint",
                    events.stream().map(StepProgressUpdated::sequence).toArray(Long[]::new)));
            long[] previous = new long[events.size()];
            try (ResultSet rows = select.executeQuery()) {
                for (int i = 0; rows.next(); i++) {
                    previous[i] = rows.getLong(1);
                }
            }
            return previous;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit log's last sequences", e);
        }
    }

    /** A page of a project's history, in sequence order. */
    @Transactional
    public List<AuditEntry> page(String projectId, long afterSequence, int limit) {
        return AuditEvent.history(projectId, afterSequence, limit).stream().map(AuditEvent::entry).toList();
    }

    @Transactional
    public Optional<AuditEntry> find(UUID eventId) {
        return AuditEvent.<AuditEvent>findByIdOptional(eventId).map(AuditEvent::entry);
    }

    @Transactional
    public long count(String projectId) {
        return AuditEvent.countOf(projectId);
    }
}
