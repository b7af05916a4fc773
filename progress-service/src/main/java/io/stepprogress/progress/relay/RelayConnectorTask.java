package io.stepprogress.progress.relay;

import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnectorTask;
import io.debezium.connector.postgresql.PostgresOffsetContext;
import io.debezium.connector.postgresql.PostgresPartition;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.debezium.pipeline.ErrorHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.source.SourceRecord;
import org.jboss.logging.Logger;

/**
 * Debezium's PostgreSQL task, polling differently: Debezium's queue poll waits for a full batch or poll.interval.ms,
 * spinning through the interval's last millisecond on every poll (a sixth of a core at 5 ms, idle or busy), and makes
 * each record wait for its batch. This task sleeps on its {@link WakingQueueProvider} until a record arrives, then
 * drains what is queued, up to progress.relay.max-batch-size, through Debezium's own poll: with Debezium's
 * max.batch.size=1 each of those returns one record at once, without waiting, and keeps the queue's own accounting
 * (back-pressure, producer errors).
 */
public class RelayConnectorTask extends PostgresConnectorTask {

    private static final Logger LOG = Logger.getLogger(RelayConnectorTask.class);
    /**
     * The longest an empty poll sleeps. It bounds how late a reader failure surfaces and how late records acknowledged
     * after their batch are marked processed on a quiet relay (the engine asks its commit policy after every poll);
     * a stop interrupts the sleep. Each empty poll costs the engine's loop ~0.2 ms of CPU: at 100 ms that was 0.11
     * CPU-seconds a minute of an idle stack; a record ends the sleep the moment it is queued, so latency is unchanged.
     */
    static final Duration IDLE_WAIT = Duration.ofMillis(500);

    private static final AtomicLong HANDED_OVER = new AtomicLong();

    private volatile WakingQueueProvider<?> queue;
    private volatile int maxBatchSize = 1;

    /** Records all tasks of this JVM handed over through their waking queue (tests: this task is the one in use). */
    static long handedOver() {
        return HANDED_OVER.get();
    }

    @Override
    public ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> start(Configuration config) {
        // Also called again when Debezium restarts the task in place after a retriable error: a new queue each time.
        ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> coordinator = super.start(config);
        maxBatchSize = Math.max(1, config.getInteger(RelayQueues.MAX_BATCH_PROPERTY, 1));
        queue = RelayQueues.find(config.getString(RelayQueues.KEY_PROPERTY)).orElse(null);
        if (queue == null) {
            LOG.warnf("queue.provider.type is not %s: polling as Debezium does (poll.interval.ms)",
                    WakingQueueProvider.NAME);
        }
        return coordinator;
    }

    @Override
    public List<SourceRecord> doPoll() throws InterruptedException {
        WakingQueueProvider<?> waking = queue;
        if (waking == null) {
            return super.doPoll();
        }
        if (!waking.awaitRecords(IDLE_WAIT)) {
            // Debezium's poll throws the reader's error first thing; with no error it would only wait.
            return producerFailed() ? super.doPoll() : List.of();
        }
        List<SourceRecord> batch = new ArrayList<>();
        while (batch.size() < maxBatchSize && waking.size() > 0) {
            batch.addAll(super.doPoll());
        }
        HANDED_OVER.addAndGet(batch.size());
        return batch;
    }

    private boolean producerFailed() {
        return getErrorHandler().map(ErrorHandler::getProducerThrowable).isPresent();
    }
}
