package io.stepprogress.progress.outbox;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.event.trace.EventTracing;
import io.stepprogress.progress.jdbc.BoundStatement;
import io.stepprogress.progress.jdbc.RoundTrip;
import io.stepprogress.progress.relay.ReplicationSlot;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends domain events to the outbox inside the caller's transaction (mandatory: an event written
 * outside the state change it describes would be a dual write). The row is deleted again in the same
 * transaction: logical decoding still sees the insert, and the table never grows. Because nothing but the
 * replication slot can replay a deleted row, the write is refused (503) unless a valid slot exists: first from the
 * slot's cached state, then by the delete itself, which removes the row only if the slot is valid at that moment.
 */
@ApplicationScoped
@Startup // its meters exist from the start, so dashboards and rate() alerts see zeros, not gaps
public class OutboxWriter {

    /** Debezium's Outbox Event Router routes and keys by these columns. */
    static final String AGGREGATE_TYPE = "project";

    private static final String INSERT = "INSERT INTO outbox_event (id, aggregatetype, aggregateid, type, payload, "
            + "occurred_at, traceparent) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)";
    private static final String DELETE = "DELETE FROM outbox_event WHERE id = ? AND "
            + ReplicationSlot.VALID_SLOT_CONDITION;
    /**
     * Sent just before the delete, so its plan finds the row through the primary key whatever the table's size
     * was when it was planned. The table is empty by design: once a vacuum truncates it to no pages, a sequential
     * scan is the cheapest plan, and each connection caches that plan from its sixth delete on. Between two
     * vacuums the table then fills with deleted rows (tens of megabytes at 1,000 updates/s), and every delete
     * planned that way read all of them: a third of the deletes did in a measured run (pg_stat_user_tables), and
     * PostgreSQL spent 1.09 ms per update instead of 0.49. {@code LOCAL}: it ends with the transaction.
     */
    private static final String NO_SEQUENTIAL_SCAN = "SET LOCAL enable_seqscan = off";

    private final AgroalDataSource dataSource;
    private final ReplicationSlot slot;
    private final Counter written;
    private final EventTracing tracing;

    OutboxWriter(AgroalDataSource dataSource, ReplicationSlot slot, MeterRegistry registry,
                 OpenTelemetry openTelemetry) {
        this.dataSource = dataSource;
        this.slot = slot;
        this.tracing = new EventTracing(openTelemetry, OutboxWriter.class.getName());
        this.written = Counter.builder("progress.outbox.events.written")
                .description("StepProgressUpdated events committed to the outbox").register(registry);
    }

    /** Appends the event alone, in its own round trip. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(StepProgressUpdated event) {
        append(event, List.of());
    }

    /**
     * Sends {@code stateChanges} (the statements that write the state the event describes), the outbox insert and
     * the delete in one round trip, in that order. Nothing is left to do but commit, unless the delete finds the
     * slot gone: then the whole transaction is refused, its state changes with it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(StepProgressUpdated event, List<BoundStatement> stateChanges) {
        slot.requireWritable();
        List<BoundStatement> statements = new ArrayList<>(stateChanges.size() + 2);
        statements.addAll(stateChanges);
        statements.add(new BoundStatement(INSERT, (insert, first) -> {
            insert.setObject(first, event.eventId());
            insert.setString(first + 1, AGGREGATE_TYPE);
            insert.setString(first + 2, event.projectId());
            insert.setString(first + 3, event.type());
            insert.setString(first + 4, EventJson.write(event));
            insert.setObject(first + 5, event.occurredAt().atOffset(ZoneOffset.UTC));
            // The worker's request span: the relay's publish span continues it (null when tracing is off).
            insert.setString(first + 6, tracing.currentTraceparent());
            return first + 7;
        }));
        statements.add(new BoundStatement(NO_SEQUENTIAL_SCAN, (set, first) -> first));
        // The last statement before commit checks the slot, so the cached state's refresh interval is not a
        // window: only a drop during this transaction's commit round trip can still lose its event.
        statements.add(new BoundStatement(DELETE, (delete, first) -> {
            delete.setObject(first, event.eventId());
            delete.setString(first + 1, slot.name());
            return first + 2;
        }));
        int[] counts;
        try (Connection connection = dataSource.getConnection()) {
            counts = RoundTrip.execute(connection, statements);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot append event " + event.eventId() + " to the outbox", e);
        }
        if (counts[counts.length - 1] != 1) {
            throw slot.refusedByStatement(); // rolls back the caller's transaction: nothing is acknowledged
        }
        // Counted before commit: a rollback after this point is rare and only makes the gauge conservative.
        written.increment();
    }
}
