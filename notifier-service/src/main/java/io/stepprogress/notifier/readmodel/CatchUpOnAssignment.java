package io.stepprogress.notifier.readmodel;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import io.stepprogress.event.InitializationView;
import io.stepprogress.notifier.NotifierConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Brings the read model up to date on every partition assignment, and knows whether it is: until then it may
 * be older than what clients have seen, so nothing is served from it and the instance is not ready.
 * <p>
 * <b>With a source</b> ({@code notifier.source.url}): (1) record the end offsets of the assigned partitions,
 * (2) load the current views of the most recently updated projects (at most {@code notifier.source.startup-projects})
 * from progress-service, (3) seek to the recorded ends and tail from there, and (4) be ready. Correct by
 * construction: progress-service commits a change to PostgreSQL before the relay can read it from the WAL and
 * publish it, so every event below the recorded ends was committed before step (2) started, and the views
 * read in (2) include it. Events at or after the ends are tailed; the ones the views already include carry a
 * sequence that is not newer and are dropped, like any duplicate. The start costs one listing, whatever the
 * topic holds. A project not loaded (older, or evicted later) is fetched when someone asks for it.
 * <p>
 * A partition assigned again (after a broker outage or a rebalance) is read on from where this instance
 * stopped: the read model already holds what came before, and open streams get every event after it.
 * <p>
 * <b>Without a source</b>, or when the source cannot answer: replay each partition from its beginning up to
 * the end offset recorded at assignment. A partition whose beginning is at its end (never written, or emptied
 * by retention) has nothing to replay.
 */
@ApplicationScoped
@Identifier(CatchUpOnAssignment.NAME)
@Default // also injectable without the identifier, by the consumer and the health check
public class CatchUpOnAssignment implements KafkaConsumerRebalanceListener {

    public static final String NAME = "notifier-catch-up";

    private static final Logger LOG = Logger.getLogger(CatchUpOnAssignment.class);

    private final ProgressSource source;
    private final ProjectReadModel readModel;
    private final int startupProjects;
    private final Duration loadTimeout;
    /** Per replayed partition: the end offset at assignment, the first offset it does not need to read. */
    private final Map<Integer, Long> targets = new ConcurrentHashMap<>();
    /**
     * Per partition: the offset after the last record consumed (or the end a load sought to): where this
     * instance reads on when the partition is assigned again.
     */
    private final Map<Integer, Long> consumed = new ConcurrentHashMap<>();
    private volatile boolean assigned;
    private volatile boolean loading;

    CatchUpOnAssignment(ProgressSource source, ProjectReadModel readModel, NotifierConfig config) {
        this.source = source;
        this.readModel = readModel;
        this.startupProjects = config.source().startupProjects();
        this.loadTimeout = config.source().loadTimeout();
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        loading = true;
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<TopicPartition> fresh = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                Long resume = consumed.get(partition.partition());
                if (resume == null) {
                    fresh.add(partition);
                    continue;
                }
                // Assigned again (a broker outage, a rebalance): the read model holds everything before where this
                // instance stopped, so it reads on from there. Loading views and jumping to the end instead would
                // skip those events for every open stream.
                consumer.seek(partition, resume);
                long end = ends.getOrDefault(partition, resume);
                if (resume < end) {
                    targets.put(partition.partition(), end);
                } else {
                    targets.remove(partition.partition());
                }
            }
            if (!fresh.isEmpty()) {
                catchUpFresh(consumer, fresh, ends);
            }
            assigned = true;
        } finally {
            loading = false;
        }
    }

    /** Partitions this instance has never read: load from the source and tail, or replay them. */
    private void catchUpFresh(Consumer<?, ?> consumer, List<TopicPartition> partitions,
                              Map<TopicPartition, Long> ends) {
        if (source.configured() && loadFromSource()) {
            for (TopicPartition partition : partitions) {
                long end = ends.getOrDefault(partition, 0L);
                consumer.seek(partition, end);
                targets.remove(partition.partition());
                consumed.merge(partition.partition(), end, Math::max);
            }
            return;
        }
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
        for (TopicPartition partition : partitions) {
            long end = ends.getOrDefault(partition, 0L);
            if (beginnings.getOrDefault(partition, 0L) >= end) {
                targets.remove(partition.partition()); // nothing to replay: empty, or retention emptied it
            } else {
                targets.put(partition.partition(), end);
            }
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        // A partition assigned again is caught up again; its old target would otherwise count.
        partitions.forEach(partition -> targets.remove(partition.partition()));
    }

    /** @return false when progress-service could not answer in time, so the topic must be replayed instead */
    private boolean loadFromSource() {
        long started = System.nanoTime();
        long deadline = started + loadTimeout.toNanos();
        while (true) {
            try {
                load(started);
                return true;
            } catch (ProgressSource.Unavailable | IllegalArgumentException e) {
                if (System.nanoTime() > deadline) {
                    LOG.warnf("cannot load the read model from progress-service (%s): replaying the topic instead",
                            e.getMessage());
                    return false;
                }
                LOG.infof("progress-service cannot list the views yet (%s); retrying", e.getMessage());
                try {
                    Thread.sleep(1000); // a retry delay, not synchronisation: progress-service may be starting
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    private void load(long started) {
        List<InitializationView> views = source.recent(startupProjects);
        // Oldest first: should the model be full, what it evicts to make room is the oldest.
        for (int i = views.size() - 1; i >= 0; i--) {
            readModel.seed(views.get(i));
        }
        LOG.infof("read model loaded from progress-service: %d projects in %d ms", views.size(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    void consumed(int partition, long offset) {
        consumed.merge(partition, offset + 1, Math::max);
    }

    public boolean caughtUp() {
        return assigned && !loading && targets.entrySet().stream()
                .allMatch(t -> consumed.getOrDefault(t.getKey(), 0L) >= t.getValue());
    }

    public Map<Integer, Long> lagByPartition() {
        Map<Integer, Long> lag = new ConcurrentHashMap<>();
        targets.forEach((p, target) -> lag.put(p, Math.max(0, target - consumed.getOrDefault(p, 0L))));
        return lag;
    }
}
