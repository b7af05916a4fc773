package io.stepprogress.event.consume;

import io.stepprogress.event.EventJson;
import io.stepprogress.event.StepProgressUpdated;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The one way a consumer takes {@link StepProgressUpdated} records in: each record of a batch is read and
 * validated ({@link EventJson#read}), an unreadable one is reported and set aside, a duplicate or stale one
 * is dropped ({@link Deduplication}), and what is left comes back in the order it was read. The consumer
 * then applies that in one pass. Transport-free: {@link RecordAccess} says how to see into a record;
 * {@link #kafka} is the one for Kafka's {@link ConsumerRecord}. Stateless between batches and thread-safe.
 *
 * @param <R> the transport's record, handed back with each event
 */
public final class EventIntake<R> {

    private final RecordAccess<R> access;
    private final Deduplication deduplication;
    private final IntakeListener listener;

    public EventIntake(RecordAccess<R> access, Deduplication deduplication, IntakeListener listener) {
        this.access = Objects.requireNonNull(access);
        this.deduplication = Objects.requireNonNull(deduplication);
        this.listener = Objects.requireNonNull(listener);
    }

    /** An intake of Kafka records whose value is the event's JSON bytes. */
    public static <K> EventIntake<ConsumerRecord<K, byte[]>> kafka(Deduplication deduplication,
                                                                    IntakeListener listener) {
        return new EventIntake<>(new KafkaRecordAccess<>(), deduplication, listener);
    }

    /** Takes one record: a batch of one. */
    public IntakeBatch<R> take(R record) {
        return take(List.of(record));
    }

    /** Takes a batch, in order. */
    public IntakeBatch<R> take(List<? extends R> records) {
        Deduplication.Seen seen = deduplication.newBatch();
        List<IntakeBatch.Accepted<R>> accepted = new ArrayList<>(records.size());
        List<IntakeBatch.Unreadable<R>> unreadable = new ArrayList<>(0);
        int dropped = 0;
        for (R record : records) {
            RecordPosition position = access.position(record);
            StepProgressUpdated event;
            try {
                event = EventJson.read(access.value(record));
            } catch (EventJson.InvalidEventException e) {
                unreadable.add(new IntakeBatch.Unreadable<>(record, position, e.getMessage()));
                listener.unreadable(position, e.getMessage());
                continue;
            }
            if (seen.drop(event)) {
                dropped++;
                listener.dropped(position, event);
                continue;
            }
            accepted.add(new IntakeBatch.Accepted<>(record, position, event));
        }
        return new IntakeBatch<>(accepted, unreadable, dropped);
    }

    /**
     * Kafka's record, seen through {@link RecordAccess}. kafka-clients is a provided dependency of this
     * module: only consumers that read Kafka (and so have it) load this class.
     */
    private static final class KafkaRecordAccess<K> implements RecordAccess<ConsumerRecord<K, byte[]>> {
        @Override
        public byte[] value(ConsumerRecord<K, byte[]> record) {
            return record.value();
        }

        @Override
        public RecordPosition position(ConsumerRecord<K, byte[]> record) {
            return new RecordPosition(record.topic(), record.partition(), record.offset());
        }
    }
}
