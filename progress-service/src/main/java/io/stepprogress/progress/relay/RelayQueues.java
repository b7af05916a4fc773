package io.stepprogress.progress.relay;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Where an engine's {@link WakingQueueProvider} and its {@link RelayConnectorTask} meet: Debezium creates both by
 * reflection and gives each only the connector's properties, so both read the engine's own key from them
 * ({@link #KEY_PROPERTY}, set by {@link RelayEngineProperties}, one per engine run).
 */
final class RelayQueues {

    /** A property of the engine, never Debezium's: the key of this engine's queue here. */
    static final String KEY_PROPERTY = "progress.relay.queue.key";
    /** The most records the task hands over in one poll (progress.relay.max-batch-size). */
    static final String MAX_BATCH_PROPERTY = "progress.relay.queue.max-batch-size";

    private static final ConcurrentMap<String, WakingQueueProvider<?>> QUEUES = new ConcurrentHashMap<>();

    private RelayQueues() {
    }

    /** A task restarted by Debezium gets a new queue under the same key: the newest one counts. */
    static void register(String key, WakingQueueProvider<?> queue) {
        QUEUES.put(key, queue);
    }

    static void unregister(String key, WakingQueueProvider<?> queue) {
        QUEUES.remove(key, queue);
    }

    static Optional<WakingQueueProvider<?>> find(String key) {
        return key == null ? Optional.empty() : Optional.ofNullable(QUEUES.get(key));
    }

    /** How many engines' queues are open in this JVM (tests: the relay's queue is this one). */
    static int open() {
        return QUEUES.size();
    }
}
