package io.stepprogress.event.consume;

import io.stepprogress.event.StepProgressUpdated;
import java.util.List;

/**
 * What {@link EventIntake} made of a batch: the events to apply, in the order they were read; the records
 * that are not events, with the reason (a consumer with a dead-letter topic sends them there); and how many
 * duplicates or stale events it dropped.
 */
public record IntakeBatch<R>(List<Accepted<R>> events, List<Unreadable<R>> unreadable, int dropped) {

    public IntakeBatch {
        events = List.copyOf(events);
        unreadable = List.copyOf(unreadable);
    }

    /** A readable, new event and the record it came in. */
    public record Accepted<R>(R record, RecordPosition position, StepProgressUpdated event) {
    }

    /** A record that is not a {@link StepProgressUpdated}, and why. */
    public record Unreadable<R>(R record, RecordPosition position, String reason) {
    }

    /** The events alone, in order. */
    public List<StepProgressUpdated> eventsOnly() {
        return events.stream().map(Accepted::event).toList();
    }
}
