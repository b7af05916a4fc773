package io.stepprogress.notifier.readmodel;

/**
 * A live stream of one project, or of the overview. The read model hands it events one by one, then says when a
 * batch is complete, so a subscriber can send everything that came in a batch at once.
 */
public interface Subscriber {

    /**
     * The next event, in sequence order. Called with the project's lock held: implementations must not block,
     * only take the event in (to send it on their own thread).
     *
     * @param late the event reached the notifier late (the notifier as a whole is behind): a subscriber may merge
     *             it with the waiting events it supersedes (see {@link StreamEvent#mergeableInto})
     */
    void deliver(StreamEvent event, boolean late);

    /** The batch is complete: send what was delivered. Called without any lock held. */
    void flush();
}
