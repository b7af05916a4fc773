package io.stepprogress.notifier.readmodel;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The events waiting for one subscriber, in order. Added with {@code merge} (the subscriber is behind), a progress
 * event replaces the waiting progress events of its project that it supersedes, back to the last one that changed
 * a status (see {@link StreamEvent#mergeableInto}): the subscriber gets the latest view sooner, every status
 * change still, and sequences stay increasing. Added without, nothing is merged. Not thread-safe.
 */
public final class ConflatingQueue {

    private final ArrayDeque<StreamEvent> waiting = new ArrayDeque<>();

    /** @return how many waiting events {@code event} replaced */
    public int add(StreamEvent event, boolean merge) {
        int merged = 0;
        if (merge && event.projectId() != null) {
            Iterator<StreamEvent> older = waiting.descendingIterator();
            while (older.hasNext()) {
                StreamEvent candidate = older.next();
                if (!event.projectId().equals(candidate.projectId())) {
                    continue; // another project's (the overview): its order against this one does not matter
                }
                if (!candidate.mergeableInto(event)) {
                    break; // a status change, a snapshot or an end stays, and so does everything before it
                }
                older.remove();
                merged++;
            }
        }
        waiting.addLast(event);
        return merged;
    }

    /** The oldest waiting event, removed; null when none waits. */
    public StreamEvent poll() {
        return waiting.pollFirst();
    }

    public int size() {
        return waiting.size();
    }

    public boolean isEmpty() {
        return waiting.isEmpty();
    }

    public void clear() {
        waiting.clear();
    }
}
