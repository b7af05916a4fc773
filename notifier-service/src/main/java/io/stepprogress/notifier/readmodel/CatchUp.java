package io.stepprogress.notifier.readmodel;

import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Knows whether the read model has caught up with the topic as it was when partitions were assigned:
 * until then, a restarted notifier would serve snapshots older than the truth, so it is not ready.
 */
@ApplicationScoped
@Identifier(CatchUp.NAME)
@Default // also injectable without the identifier, by the consumer and the health check
public class CatchUp implements KafkaConsumerRebalanceListener {

    public static final String NAME = "notifier-catch-up";

    /** Per partition: the offset of the last record that existed at assignment; -1 when it was empty. */
    private final Map<Integer, Long> targets = new ConcurrentHashMap<>();
    private final Map<Integer, Long> consumed = new ConcurrentHashMap<>();
    private volatile boolean assigned;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        consumer.endOffsets(partitions).forEach((partition, end) -> targets.put(partition.partition(), end - 1));
        assigned = true;
    }

    void consumed(int partition, long offset) {
        consumed.merge(partition, offset, Math::max);
    }

    public boolean caughtUp() {
        return assigned && targets.entrySet().stream()
                .allMatch(t -> t.getValue() < 0 || consumed.getOrDefault(t.getKey(), -1L) >= t.getValue());
    }

    public Map<Integer, Long> lagByPartition() {
        Map<Integer, Long> lag = new ConcurrentHashMap<>();
        targets.forEach((p, target) -> lag.put(p, Math.max(0, target - consumed.getOrDefault(p, -1L))));
        return lag;
    }
}
