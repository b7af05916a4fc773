package io.stepprogress.progress.relay;

import io.debezium.engine.DebeziumEngine.RecordCommitter;
import io.debezium.engine.RecordChangeEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The records handed to Kafka and not yet marked processed, in the order Debezium delivered them. A record is marked
 * (its offset may then be stored and the replication slot moved past it) only when Kafka acknowledged it and every
 * record before it, so a crash, a stop or a broker failure redelivers from the oldest unacknowledged record on:
 * duplicates, never a gap. Used by the engine's polling thread only.
 */
final class InFlightRecords {

    /** Heartbeats and heartbeat-table changes are not sent; they only move the offset, in their turn. */
    private record InFlight(RecordChangeEvent<SourceRecord> record, OutboxEvent event, Future<RecordMetadata> ack,
                            long sentAtNanos) {
    }

    /** What {@link #markAcknowledged} found at the head of the line. */
    enum Head {
        /** Nothing is waiting any more. */
        EMPTY,
        /** The oldest record is still waiting for Kafka. */
        PENDING,
        /** Kafka refused the oldest record: everything still in flight must be sent again, in order. */
        FAILED
    }

    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();

    /** @param ack Kafka's answer for {@code event}; null for a record that is not an event */
    void add(RecordChangeEvent<SourceRecord> record, OutboxEvent event, Future<RecordMetadata> ack) {
        inFlight.add(new InFlight(record, event, ack, System.nanoTime()));
    }

    int size() {
        return inFlight.size();
    }

    /** Marks every record from the oldest on whose event (if any) Kafka acknowledged; stops at the first that is not. */
    Head markAcknowledged(RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        while (!inFlight.isEmpty()) {
            InFlight oldest = inFlight.peek();
            if (oldest.ack() != null) {
                if (!oldest.ack().isDone()) {
                    return Head.PENDING;
                }
                if (failed(oldest.ack())) {
                    return Head.FAILED;
                }
            }
            committer.markProcessed(oldest.record());
            inFlight.poll();
        }
        return Head.EMPTY;
    }

    /**
     * How long (ns) the oldest record has waited for Kafka, zero when none waits: call after {@link #markAcknowledged},
     * which leaves a record waiting for Kafka at the head whenever one waits at all. Asked after every batch and
     * every poll, so it allocates nothing.
     */
    long oldestWaitingNanos(long nowNanos) {
        InFlight oldest = inFlight.peek();
        return oldest == null || oldest.ack() == null ? 0 : nowNanos - oldest.sentAtNanos();
    }

    /** The event the oldest record carries, null when none waits or it is not an event. */
    OutboxEvent oldestEvent() {
        InFlight oldest = inFlight.peek();
        return oldest == null ? null : oldest.event();
    }

    /** Waits at most {@code timeout} for Kafka's answer to the oldest record (backpressure when too many wait). */
    void awaitOldest(Duration timeout) throws InterruptedException {
        InFlight oldest = inFlight.peek();
        if (oldest == null || oldest.ack() == null) {
            return;
        }
        try {
            oldest.ack().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // Seen as FAILED (or still PENDING) by the next markAcknowledged.
        }
    }

    /** The events of every record still in flight, oldest first: what must be sent again after a failure. */
    List<OutboxEvent> unacknowledgedEvents() {
        List<OutboxEvent> events = new ArrayList<>(inFlight.size());
        for (InFlight record : inFlight) {
            if (record.event() != null) {
                events.add(record.event());
            }
        }
        return events;
    }

    /** After {@link #unacknowledgedEvents()} were all acknowledged when sent again. */
    void markAll(RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        while (!inFlight.isEmpty()) {
            committer.markProcessed(inFlight.poll().record());
        }
    }

    /** Forgets what is in flight (the engine stops; its next start redelivers it from the stored offset). */
    void clear() {
        inFlight.clear();
    }

    private static boolean failed(Future<RecordMetadata> ack) throws InterruptedException {
        try {
            ack.get();
            return false;
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            return true;
        }
    }
}
