package io.stepprogress.notifier.readmodel;

import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * One project's latest view, its recent events (contiguous in sequence) and its live subscribers. Every
 * change and every subscription happens under this object's lock, so a subscriber gets each sequence
 * exactly once, in order, with nothing lost between its snapshot (or replay) and the live events.
 */
final class ProjectStream {

    /** What {@link #accept} did with an event. */
    enum Outcome { APPLIED, DUPLICATE_OR_STALE, APPLIED_AFTER_GAP }

    private final String projectId;
    private final int historySize;
    private final ArrayDeque<Frame> history = new ArrayDeque<>();
    private final Set<Subscriber> subscribers = new LinkedHashSet<>();
    private InitializationView view;

    ProjectStream(String projectId, int historySize) {
        this.projectId = projectId;
        this.historySize = historySize;
    }

    synchronized Outcome accept(StepProgressUpdated event, String json, Function<SnapshotRequest, Frame> snapshots) {
        boolean firstEvent = view == null;
        if (view != null && event.sequence() <= view.sequence()) {
            return Outcome.DUPLICATE_OR_STALE;
        }
        Outcome outcome = Outcome.APPLIED;
        if (view != null && event.sequence() > view.sequence() + 1) {
            // The missing events cannot be replayed: history restarts here so replays never skip a sequence.
            history.clear();
            outcome = Outcome.APPLIED_AFTER_GAP;
        }
        view = event.initialization();
        Frame frame = Frame.of("progress", event.sequence(), json, event.occurredAt(), view);
        history.addLast(frame);
        while (history.size() > historySize) {
            history.removeFirst();
        }
        // Subscribers waiting for a project that had no event yet start, like everyone, with a snapshot.
        List<Frame> frames = List.of(firstEvent ? snapshots.apply(new SnapshotRequest(view, null)) : frame);
        for (Subscriber subscriber : subscribers) {
            subscriber.deliver(frames);
        }
        return outcome;
    }

    /**
     * A current view read from the source of truth (start-up load, on-demand fetch): state only, no event.
     * Kept only when newer than what is held; history restarts after it, since the events before it are not
     * here to replay.
     */
    synchronized boolean seed(InitializationView current, Function<SnapshotRequest, Frame> snapshots) {
        if (view != null && current.sequence() <= view.sequence()) {
            return false;
        }
        view = current;
        history.clear();
        if (!subscribers.isEmpty()) { // a start loads thousands of unwatched projects: no frame to encode for them
            List<Frame> frames = List.of(snapshots.apply(new SnapshotRequest(view, null)));
            for (Subscriber subscriber : subscribers) {
                subscriber.deliver(frames);
            }
        }
        return true;
    }

    /**
     * Registers a subscriber and hands it, atomically with registration, what it must see first: the events
     * after {@code lastEventId} when they are all still held, else a snapshot (marked not resumed when a
     * last id was given), or nothing while the project has no event yet.
     */
    synchronized void subscribe(Subscriber subscriber, OptionalLong lastEventId,
                                Function<SnapshotRequest, Frame> snapshots) {
        subscribers.add(subscriber);
        if (view == null) {
            return;
        }
        List<Frame> first = new ArrayList<>();
        if (lastEventId.isPresent() && canReplayAfter(lastEventId.getAsLong())) {
            long after = lastEventId.getAsLong();
            for (Frame frame : history) {
                if (frame.sequence() > after) {
                    first.add(frame);
                }
            }
            if (first.isEmpty() && view.status().finished()) {
                // Caught up with a finished run: only the end is left to say.
                first.add(Frame.endOf(view));
            }
        } else {
            first.add(snapshots.apply(new SnapshotRequest(view, lastEventId.isPresent() ? Boolean.FALSE : null)));
        }
        subscriber.deliver(first);
    }

    synchronized void unsubscribe(Subscriber subscriber) {
        subscribers.remove(subscriber);
    }

    private boolean canReplayAfter(long lastEventId) {
        if (lastEventId > view.sequence() || lastEventId < 0) {
            return false;
        }
        if (lastEventId == view.sequence()) {
            return true;
        }
        return !history.isEmpty() && history.peekFirst().sequence() <= lastEventId + 1;
    }

    synchronized InitializationView view() {
        return view;
    }

    synchronized boolean idle() {
        return subscribers.isEmpty() && (view == null || view.status().finished());
    }

    synchronized int subscriberCount() {
        return subscribers.size();
    }

    String projectId() {
        return projectId;
    }

    /** What a snapshot frame must say. {@code resumed} is null when the client asked for no resume. */
    public record SnapshotRequest(InitializationView view, Boolean resumed) {
    }
}
