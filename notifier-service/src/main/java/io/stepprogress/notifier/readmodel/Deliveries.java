package io.stepprogress.notifier.readmodel;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The subscribers one pass of the read model delivered to (a batch of events, a subscription, a seed), each told
 * once at the end of the pass to send what it got: one write per subscriber per batch. Used by one thread.
 */
final class Deliveries {

    private final Set<Subscriber> delivered = Collections.newSetFromMap(new IdentityHashMap<>());

    void deliver(Subscriber subscriber, StreamEvent event, boolean late) {
        subscriber.deliver(event, late);
        delivered.add(subscriber);
    }

    /** Call with no lock held. */
    void flush() {
        for (Subscriber subscriber : delivered) {
            subscriber.flush();
        }
        delivered.clear();
    }
}
