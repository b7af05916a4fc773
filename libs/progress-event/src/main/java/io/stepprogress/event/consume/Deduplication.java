package io.stepprogress.event.consume;

import io.stepprogress.event.StepProgressUpdated;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.ToLongFunction;

/**
 * How {@link EventIntake} tells a duplicate or stale event from a new one, by {@code (projectId, sequence)}:
 * sequences are per project, start at 1 and have no gaps, so an event whose sequence is not above the last
 * one applied for its project brings nothing new. Like eventuate-tram's duplicate detector, the memory of
 * what was applied belongs to the consumer: its state ({@link #afterApplied}) or its store
 * ({@link #byStoreWithUniqueEventId}). Within one batch the intake also remembers what it let through.
 */
public final class Deduplication {

    private final ToLongFunction<String> lastApplied;

    private Deduplication(ToLongFunction<String> lastApplied) {
        this.lastApplied = lastApplied;
    }

    /**
     * For a consumer that holds state in memory: drops every event whose sequence is not above both the last
     * one its state applied for the project and the last one let through earlier in the batch.
     *
     * @param lastApplied the highest sequence applied for a project, 0 when none is known; read once per event
     */
    public static Deduplication afterApplied(ToLongFunction<String> lastApplied) {
        return new Deduplication(Objects.requireNonNull(lastApplied));
    }

    /**
     * For a consumer whose store keys events by their id (the audit log): only a repeat of an event id within
     * the batch is dropped. Anything else goes to the store, which skips what it holds; an older sequence is
     * not dropped here, because another event claiming a recorded sequence is a conflict the store must see.
     */
    public static Deduplication byStoreWithUniqueEventId() {
        return new Deduplication(null);
    }

    /** The memory of one batch. Not thread-safe: one batch is taken by one thread. */
    Seen newBatch() {
        return lastApplied == null ? new SeenEventIds() : new SeenSequences(lastApplied);
    }

    interface Seen {
        /** True when the event is a duplicate or stale; otherwise it is remembered as let through. */
        boolean drop(StepProgressUpdated event);
    }

    private static final class SeenSequences implements Seen {
        private final ToLongFunction<String> lastApplied;
        private final Map<String, Long> inBatch = new HashMap<>();

        SeenSequences(ToLongFunction<String> lastApplied) {
            this.lastApplied = lastApplied;
        }

        @Override
        public boolean drop(StepProgressUpdated event) {
            Long batchLast = inBatch.get(event.projectId());
            long last = batchLast != null ? batchLast : lastApplied.applyAsLong(event.projectId());
            if (event.sequence() <= last) {
                return true;
            }
            inBatch.put(event.projectId(), event.sequence());
            return false;
        }
    }

    private static final class SeenEventIds implements Seen {
        private final Set<UUID> inBatch = new HashSet<>();

        @Override
        public boolean drop(StepProgressUpdated event) {
            return !inBatch.add(event.eventId());
        }
    }
}
