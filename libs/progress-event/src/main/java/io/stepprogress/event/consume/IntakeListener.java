package io.stepprogress.event.consume;

import io.stepprogress.event.StepProgressUpdated;

/**
 * What {@link EventIntake} leaves out, so the consumer counts it in its own metrics (this module knows no
 * metrics library) and logs it under its own name. Called on the intake's thread, once per record.
 */
public interface IntakeListener {

    /** A record that is not a {@link StepProgressUpdated} (a tombstone, bad JSON, a missing field). */
    void unreadable(RecordPosition position, String reason);

    /** A readable event dropped as a duplicate or stale one (see {@link Deduplication}). */
    void dropped(RecordPosition position, StepProgressUpdated event);
}
