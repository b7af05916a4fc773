package io.stepprogress.event.consume;

import io.stepprogress.event.StepProgressUpdated;

import java.util.function.BiConsumer;

/**
 * What {@link EventIntake} leaves out, so the consumer counts it in its own metrics (this module knows no
 * metrics library) and logs it under its own name. Called on the intake's thread, once per record.
 */
public interface IntakeListener {

    /** A record that is not a {@link StepProgressUpdated} (a tombstone, bad JSON, a missing field). */
    void unreadable(RecordPosition position, String reason);

    /** A readable event dropped as a duplicate or stale one (see {@link Deduplication}). */
    void dropped(RecordPosition position, StepProgressUpdated event);

    /** Counts nothing: for re-reading history, whose records are not live traffic. */
    IntakeListener NONE = of((position, reason) -> { }, () -> { });

    /** The usual listener: count (and, if wanted, log) an unreadable record; count a dropped one. */
    static IntakeListener of(BiConsumer<RecordPosition, String> unreadable, Runnable dropped) {
        return new IntakeListener() {
            @Override
            public void unreadable(RecordPosition position, String reason) {
                unreadable.accept(position, reason);
            }

            @Override
            public void dropped(RecordPosition position, StepProgressUpdated event) {
                dropped.run();
            }
        };
    }
}
