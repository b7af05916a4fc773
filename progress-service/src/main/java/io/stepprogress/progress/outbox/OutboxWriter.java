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
    private static final String DELETE = "DELETE FROM outbox_event WHERE id = ANY (?) AND "
            + ReplicationSlot.VALID_SLOT_CONDITION;

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

    /**
     * An event and the trace context it was caused in: the relay's publish span continues it.
     *
     * @param traceparent W3C traceparent of the request that caused the event; null when tracing is off
     */
    public record Entry(StepProgressUpdated event, String traceparent) {
    }

    /**
     * The current span's trace context ({@link Entry#traceparent()}), read on the thread of the request that causes
     * an event: the event may be appended on another thread.
     */
    public String currentTraceparent() {
        return tracing.currentTraceparent();
    }

    /**
     * Sends {@code stateChanges} (the statements that write the state the events describe), the outbox inserts, in
     * the events' order, and one delete of them all, in one round trip. Nothing is left to do but commit, unless the
     * delete finds the slot gone: then the whole transaction is refused, its state changes with it.
     * <p>
     * The caller's transaction began with {@code IndexPlans} (every write does: it starts by locking its projects,
     * {@code InitializationRepository#lockAll}), so the delete finds its rows through the primary key even when
     * its connection first planned it on an empty outbox.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(List<Entry> entries, List<BoundStatement> stateChanges) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("no event to append");
        }
        slot.requireWritable();
        List<BoundStatement> statements = new ArrayList<>(stateChanges.size() + entries.size() + 1);
        statements.addAll(stateChanges);
        for (Entry entry : entries) {
            StepProgressUpdated event = entry.event();
            statements.add(new BoundStatement(INSERT, (insert, first) -> {
                insert.setObject(first, event.eventId());
                insert.setString(first + 1, AGGREGATE_TYPE);
                insert.setString(first + 2, event.projectId());
                insert.setString(first + 3, event.type());
                insert.setString(first + 4, EventJson.write(event));
                insert.setObject(first + 5, event.occurredAt().atOffset(ZoneOffset.UTC));
                insert.setString(first + 6, entry.traceparent());
                return first + 7;
            }));
        }
        // The last statement before commit checks the slot, so the cached state's refresh interval is not a
        // window: only a drop during this transaction's commit round trip can still lose its events.
        statements.add(new BoundStatement(DELETE, (delete, first) -> {
            delete.setArray(first, delete.getConnection().createArrayOf("uuid",
                    entries.stream().map(entry -> entry.event().eventId()).toArray()));
            delete.setString(first + 1, slot.name());
            return first + 2;
        }));
        int[] counts;
        try (Connection connection = dataSource.getConnection()) {
            counts = RoundTrip.execute(connection, statements);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot append " + entries.size() + " events to the outbox", e);
        }
        if (counts[counts.length - 1] != entries.size()) {
            throw slot.refusedByStatement(); // rolls back the caller's transaction: nothing is acknowledged
        }
        // Counted before commit: a rollback after this point is rare and only makes the gauge conservative.
        written.increment(entries.size());
    }
}
