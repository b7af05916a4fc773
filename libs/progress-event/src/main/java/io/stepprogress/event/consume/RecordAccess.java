package io.stepprogress.event.consume;

/**
 * What {@link EventIntake} needs of a transport's record: its value and where it was read. The intake
 * hands the record itself back, so a consumer keeps what else it needs (a key to dead-letter with, say).
 */
public interface RecordAccess<R> {

    /** The record's value; null for a tombstone. */
    byte[] value(R record);

    RecordPosition position(R record);
}
