package io.stepprogress.notifier.readmodel;

import java.util.List;

/** A live stream of one project. Called with the project's lock held: implementations must not block. */
public interface Subscriber {

    /** Frames in sequence order; the subscriber writes them on its own thread. */
    void deliver(List<Frame> frames);
}
