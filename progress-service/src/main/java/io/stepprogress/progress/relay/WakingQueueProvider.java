package io.stepprogress.progress.relay;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.Configuration;
import io.debezium.connector.base.QueueProvider;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debezium's change event queue storage (queue.provider.type={@value #NAME}), as its default ArrayDeque one, plus
 * a wake-up: {@link RelayConnectorTask} sleeps in {@link #awaitRecords} while the queue is empty and is woken by the
 * record that makes it non-empty. Debezium's own poll instead waits for a full batch or poll.interval.ms and spins
 * through that interval's last millisecond (its timer counts whole milliseconds), on every poll, idle or busy.
 * <p>
 * Debezium calls {@link #enqueue}, {@link #poll} and {@link #size} under its queue's lock; {@link #size} is also read
 * by the task without that lock, hence the atomic count. Debezium finds this class with a ServiceLoader and
 * configures it with the connector's properties; {@link RelayQueues} hands it to the task of the same engine.
 */
public class WakingQueueProvider<T> implements QueueProvider<T> {

    public static final String NAME = "progress-relay";

    private final Object wakeUp = new Object();
    private final AtomicInteger size = new AtomicInteger();
    private Queue<T> queue = new ArrayDeque<>();
    private String key;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void configure(Map<String, ?> properties) {
        Configuration config = Configuration.from(properties);
        queue = new ArrayDeque<>(config.getInteger(CommonConnectorConfig.MAX_QUEUE_SIZE));
        key = config.getString(RelayQueues.KEY_PROPERTY);
        if (key != null) {
            RelayQueues.register(key, this);
        }
    }

    @Override
    public void enqueue(T event) {
        queue.add(event);
        if (size.incrementAndGet() == 1) {
            // Only the empty-to-non-empty step wakes: a waiter only ever waits on an empty queue.
            synchronized (wakeUp) {
                wakeUp.notifyAll();
            }
        }
    }

    @Override
    public T poll() {
        T event = queue.poll();
        if (event != null) {
            size.decrementAndGet();
        }
        return event;
    }

    @Override
    public int size() {
        return size.get();
    }

    /**
     * Waits until the queue holds a record or the timeout passed, without polling.
     *
     * @return whether the queue holds a record
     */
    public boolean awaitRecords(Duration timeout) throws InterruptedException {
        if (size.get() > 0) {
            return true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (wakeUp) {
            // The count is raised before the producer takes this monitor to notify, so checking it while holding the
            // monitor cannot miss a wake-up.
            while (size.get() == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(wakeUp, left);
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (key != null) {
            RelayQueues.unregister(key, this);
        }
    }
}
