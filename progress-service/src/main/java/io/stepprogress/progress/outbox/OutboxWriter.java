package io.stepprogress.progress.outbox;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.event.trace.EventTracing;
import io.stepprogress.progress.relay.ReplicationSlot;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.ZoneOffset;

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

    @Transactional(Transactional.TxType.MANDATORY)
    public void append(StepProgressUpdated event) {
        slot.requireWritable();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO outbox_event (id, aggregatetype, "
                     + "aggregateid, type, payload, occurred_at, traceparent) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)");
             // The last statement before commit checks the slot, so the cached state's refresh interval is not a
             // window: only a drop during this transaction's commit round trip can still lose its event.
             PreparedStatement delete = connection.prepareStatement("DELETE FROM outbox_event WHERE id = ? AND "
                     + ReplicationSlot.VALID_SLOT_CONDITION)) {
            insert.setObject(1, event.eventId());
            insert.setString(2, AGGREGATE_TYPE);
            insert.setString(3, event.projectId());
            insert.setString(4, event.type());
            insert.setString(5, EventJson.write(event));
            insert.setObject(6, event.occurredAt().atOffset(ZoneOffset.UTC));
            // The worker's request span: the relay's publish span continues it (null when tracing is off).
            insert.setString(7, tracing.currentTraceparent());
            insert.executeUpdate();
            delete.setObject(1, event.eventId());
            delete.setString(2, slot.name());
            if (delete.executeUpdate() != 1) {
                throw slot.refusedByStatement(); // rolls back the caller's transaction: nothing is acknowledged
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot append event " + event.eventId() + " to the outbox", e);
        }
        // Counted before commit: a rollback after this point is rare and only makes the gauge conservative.
        written.increment();
    }
}
