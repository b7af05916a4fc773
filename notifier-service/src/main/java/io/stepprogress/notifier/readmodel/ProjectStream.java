package io.stepprogress.notifier.readmodel;

import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One project's latest view, its recent events (contiguous in sequence, kept in the read model's
 * {@link HistoryLog}) and its live subscribers. Every change and every subscription happens under this object's
 * lock, so a subscriber gets each sequence exactly once, in order, with nothing lost between its snapshot (or
 * replay) and the live events.
 * <p>
 * Its bytes (the view and a fixed overhead; the history is the log's) are accounted into the read model's total
 * as they change. Once evicted (under the same lock) it takes no event and no subscriber: whoever finds it so
 * goes to the project's fresh stream instead, so nobody waits on a stream the read model no longer feeds.
 */
final class ProjectStream {

    /** What {@link #accept} or {@link #seed} did. */
    enum Outcome { APPLIED, DUPLICATE_OR_STALE, APPLIED_AFTER_GAP, OVERTAKEN, EVICTED }

    /** What {@link #subscribe} returns when this stream was evicted. */
    static final long EVICTED_STREAM = -1;

    /** What {@link #accept} did with an event, and whether it changed a status (see {@link StreamEvent}). */
    record Applied(Outcome outcome, boolean statusChange) {
        static final Applied EVICTED = new Applied(Outcome.EVICTED, false);
        static final Applied DUPLICATE_OR_STALE = new Applied(Outcome.DUPLICATE_OR_STALE, false);
    }

    /**
     * What a stream costs besides its view's bytes: the object, its set, the map entry and key.
     * These estimates err on the high side of a heap measurement of 100,000 projects (MemoryFootprintTest),
     * so the budget holds in heap and not just in accounting. The decoded view is counted as its event's
     * JSON length: it measured smaller (JSON repeats every field name, the objects do not).
     */
    static final long STREAM_OVERHEAD = 400;

    private final String projectId;
    private final int historySize;
    private final long historyBytesLimit;
    private final AtomicLong total;
    private final HistoryLog log;
    /** The log position of this project's newest event in the history; -1 while it has none. */
    private long historyHead = -1;
    private final Set<Subscriber> subscribers = new LinkedHashSet<>(2);
    private InitializationView view;
    /** The last sequence once the view was dropped under memory pressure: older events stay stale. */
    private long droppedSequence;
    private long viewBytes;
    private long bytes;
    private boolean evicted;

    /** Least-recently-updated order, guarded by the read model's order lock (not this object's). */
    ProjectStream older;
    ProjectStream newer;
    boolean linked;

    ProjectStream(String projectId, int historySize, long historyBytesLimit, AtomicLong total, HistoryLog log) {
        this.projectId = projectId;
        this.historySize = historySize;
        this.historyBytesLimit = historyBytesLimit;
        this.total = total;
        this.log = log;
        this.bytes = STREAM_OVERHEAD;
    }

    /**
     * Applies a published event: dropped unless newer than what is held; the history restarts after a gap. Its
     * subscribers get it (a snapshot for those waiting for the project's first event) through {@code out}.
     *
     * @param late the event reached the notifier late: subscribers may merge it (see {@link Subscriber#deliver})
     */
    synchronized Applied accept(StepProgressUpdated event, byte[] json, boolean late, Deliveries out) {
        if (evicted) {
            return Applied.EVICTED;
        }
        boolean firstEvent = view == null;
        InitializationView before = view;
        long last = before == null ? droppedSequence : before.sequence();
        if (event.sequence() <= last) {
            return Applied.DUPLICATE_OR_STALE;
        }
        Outcome outcome = Outcome.APPLIED;
        if (last > 0 && event.sequence() > last + 1) {
            // The missing events cannot be replayed: history restarts here so replays never skip a sequence.
            clearHistory();
            outcome = Outcome.APPLIED_AFTER_GAP;
            before = null; // what changed in between is unknown
        }
        boolean statusChange = StatusChange.between(before, event);
        view = event.initialization();
        viewBytes = json.length;
        historyHead = historySize == 0 ? -1 : log.append(historyHead, event.sequence(), event.occurredAt(),
                view.status(), statusChange, json);
        account();
        if (!subscribers.isEmpty()) {
            // Subscribers waiting for a project that had no event yet start, like everyone, with a snapshot. The
            // history keeps bytes, not this object: an unwatched project's event needs none.
            StreamEvent sent = firstEvent ? StreamEvent.snapshot(view, null)
                    : StreamEvent.progress(event, json, statusChange);
            for (Subscriber subscriber : subscribers) {
                out.deliver(subscriber, sent, late);
            }
        }
        return new Applied(outcome, statusChange);
    }

    /**
     * A current view read from the source of truth (start-up load, on-demand fetch): state only, no event.
     * Kept only when newer than what is held; history restarts after it, since the events before it are not
     * here to replay.
     * <p>
     * A fetch asked while this stream held {@code heldWhenAsked} is overtaken when events arrived since: the
     * topic is live for the project and brings the rest, in order, while a snapshot now would skip the events
     * still on their way for every open stream (and cut the history a resume replays). The start-up load, which
     * no event can overtake, passes {@link Long#MAX_VALUE}.
     */
    synchronized Outcome seed(InitializationView current, long heldWhenAsked, Deliveries out) {
        if (evicted) {
            return Outcome.EVICTED;
        }
        // Subscribers of a dropped view are at droppedSequence: the same view again restores the state for
        // reads, but is not sent to them twice.
        long held = view == null ? droppedSequence : view.sequence();
        if (held > heldWhenAsked) {
            return Outcome.OVERTAKEN;
        }
        if (current.sequence() < held || (view != null && current.sequence() == held)) {
            return Outcome.DUPLICATE_OR_STALE;
        }
        boolean newer = current.sequence() > held;
        view = current;
        viewBytes = EventJson.write(current).length();
        clearHistory();
        account();
        if (newer && !subscribers.isEmpty()) { // a start loads thousands of unwatched projects: nothing to encode for them
            StreamEvent snapshot = StreamEvent.snapshot(view, null);
            for (Subscriber subscriber : subscribers) {
                out.deliver(subscriber, snapshot, false);
            }
        }
        return Outcome.APPLIED;
    }

    /**
     * Registers a subscriber and hands it, atomically with registration, what it must see first: the events
     * after {@code lastEventId} when they are all still held, else a snapshot (marked not resumed when a
     * last id was given), or nothing while the project has no event yet.
     *
     * @return the sequence held at registration ({@link #lastSequence}), where the subscriber starts; or
     *         {@link #EVICTED_STREAM}, registering nothing, when this stream was evicted: subscribe to the
     *         project's new one
     */
    synchronized long subscribe(Subscriber subscriber, OptionalLong lastEventId, Deliveries out) {
        if (evicted) {
            return EVICTED_STREAM;
        }
        subscribers.add(subscriber);
        if (view == null) {
            return droppedSequence;
        }
        List<StreamEvent> missed = lastEventId.isPresent() ? missedAfter(lastEventId.getAsLong()) : null;
        if (missed != null) {
            for (StreamEvent event : missed) {
                out.deliver(subscriber, event, false);
            }
            if (missed.isEmpty() && view.status().finished()) {
                // Caught up with a finished run: only the end is left to say.
                out.deliver(subscriber, StreamEvent.end(view), false);
            }
        } else {
            out.deliver(subscriber, StreamEvent.snapshot(view, lastEventId.isPresent() ? Boolean.FALSE : null),
                    false);
        }
        return view.sequence();
    }

    synchronized void unsubscribe(Subscriber subscriber) {
        subscribers.remove(subscriber);
    }

    /** The events after {@code lastEventId}, when every one of them is still held; else null. */
    private List<StreamEvent> missedAfter(long lastEventId) {
        if (lastEventId > view.sequence() || lastEventId < 0) {
            return null;
        }
        long missed = view.sequence() - lastEventId;
        if (missed == 0) {
            return List.of();
        }
        if (missed > historySize || historyHead < 0) {
            return null;
        }
        return log.after(projectId, historyHead, (int) missed, historyBytesLimit);
    }

    /**
     * Evicts this stream if nobody watches it and its run needs no more memory: finished, never started, or
     * not updated since {@code idleBefore} (a run whose worker died never finishes).
     */
    synchronized boolean evictIfIdle(Instant idleBefore) {
        if (evicted || !subscribers.isEmpty()) {
            return false;
        }
        if (view == null || view.status().finished() || view.updatedAt() == null
                || view.updatedAt().isBefore(idleBefore)) {
            evict();
            return true;
        }
        return false;
    }

    /** Evicts this stream if nobody watches it, whatever its run's state. */
    synchronized boolean evictIfUnwatched() {
        if (evicted || !subscribers.isEmpty()) {
            return false;
        }
        evict();
        return true;
    }

    /**
     * The last resort, for a watched stream: it keeps its subscribers and the sequence they are at, and drops
     * the view and history; its next event reaches them as a snapshot.
     */
    synchronized boolean dropView() {
        if (evicted || view == null) {
            return false;
        }
        droppedSequence = view.sequence();
        view = null;
        viewBytes = 0;
        clearHistory();
        account();
        return true;
    }

    private void evict() {
        evicted = true;
        total.addAndGet(-bytes);
        bytes = 0;
        view = null;
        historyHead = -1;
    }

    /** Its events stay in the log until overwritten, but are no longer this project's to replay. */
    private void clearHistory() {
        historyHead = -1;
    }

    private void account() {
        long now = STREAM_OVERHEAD + viewBytes;
        total.addAndGet(now - bytes);
        bytes = now;
    }

    /** The bytes it starts with, added to the total when it enters the read model. */
    static long initialBytes() {
        return STREAM_OVERHEAD;
    }

    /** The sequence its subscribers are at: the view's, or the dropped view's; 0 before any event. */
    synchronized long lastSequence() {
        return view == null ? droppedSequence : view.sequence();
    }

    synchronized InitializationView view() {
        return view;
    }

    synchronized int subscriberCount() {
        return subscribers.size();
    }

    synchronized boolean hasSubscriber(Subscriber subscriber) {
        return subscribers.contains(subscriber);
    }

    synchronized boolean evicted() {
        return evicted;
    }

    synchronized long bytes() {
        return bytes;
    }

    /** Events a resume could still replay: held in the log, within the project's count and byte caps. */
    synchronized int historyLength() {
        return historyHead < 0 ? 0 : log.length(historyHead, historySize, historyBytesLimit);
    }

    String projectId() {
        return projectId;
    }

}
