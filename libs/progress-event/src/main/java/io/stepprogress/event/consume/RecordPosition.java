package io.stepprogress.event.consume;

/** Where a record was read: for logs and dead letters, written {@code topic-partition@offset}. */
public record RecordPosition(String topic, int partition, long offset) {

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
