package io.stepprogress.alert.consumer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import io.stepprogress.alert.AlertConfig;
import io.stepprogress.alert.state.AlertState;
import io.stepprogress.event.consume.Deduplication;
import io.stepprogress.event.consume.EventIntake;
import io.stepprogress.event.consume.IntakeBatch;
import io.stepprogress.event.consume.IntakeListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Rebuilds the in-memory state of every partition this instance is assigned, so that a restart (or a
 * rebalance) does not forget the initializations in progress, the stalled ones above all.
 * <p>
 * For each assigned partition, the records before the group's committed offset were counted already (by
 * this service before it restarted, or by another instance): they are re-read with a separate, group-less
 * consumer and applied as history, state only. A partition the group never committed starts at its end (the
 * whole partition is history), so a new deployment counts from now on instead of counting the topic's past.
 * The group consumer then goes on from there and everything it delivers is live. Revoked partitions are
 * forgotten: their new owner rebuilds them.
 * <p>
 * A partition whose history was not fully re-read (timeout, Kafka error) keeps the instance not ready, and
 * {@code alert_state_rebuild_complete} at 0, until an assignment re-reads it fully or it is revoked: its
 * stalled initializations may be missing, and an alert list that looks complete but is not would mislead.
 */
@ApplicationScoped
@Startup // its gauge exists from the start: 0 until the first assignment's history is in memory
@Identifier(StateRebuild.NAME)
@Default // also injected without the identifier, by the consumer and the health check
public class StateRebuild implements KafkaConsumerRebalanceListener {

    public static final String NAME = "alert-state-rebuild";

    private static final Logger LOG = Logger.getLogger(StateRebuild.class);

    private final AlertState state;
    private final AlertConfig alertConfig;
    private final Config config;
    private final Set<Integer> assigned = ConcurrentHashMap.newKeySet();
    /** Assigned partitions whose history is not (fully) in memory. */
    private final Set<Integer> incomplete = ConcurrentHashMap.newKeySet();
    private volatile boolean firstAssignmentDone;
    private volatile boolean rebuilding;

    StateRebuild(AlertState state, AlertConfig alertConfig, Config config, MeterRegistry registry) {
        this.state = state;
        this.alertConfig = alertConfig;
        this.config = config;
        Gauge.builder("alert.state.rebuild.complete", this, rebuild -> rebuild.ready() ? 1 : 0)
                .description("1 when the history of every assigned partition is in memory, 0 while it is not "
                        + "(before the first assignment, while re-reading, after an incomplete re-read)")
                .strongReference(true).register(registry);
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        rebuilding = true;
        long started = System.nanoTime();
        try {
            Set<TopicPartition> set = new HashSet<>(partitions);
            if (!set.isEmpty()) {
                Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(set);
                Map<TopicPartition, Long> ends = consumer.endOffsets(set);
                Map<TopicPartition, Long> historyEnds = new HashMap<>();
                for (TopicPartition partition : set) {
                    OffsetAndMetadata offset = committed.get(partition);
                    if (offset != null) {
                        historyEnds.put(partition, offset.offset());
                    } else {
                        long end = ends.getOrDefault(partition, 0L);
                        consumer.seek(partition, end);
                        historyEnds.put(partition, end);
                    }
                }
                Replay replayed = replay(historyEnds);
                Set<Integer> notRead = numbers(replayed.incomplete());
                incomplete.removeAll(numbers(set));
                incomplete.addAll(notRead);
                LOG.infof("partitions %s assigned: %d events of history re-read in %d ms, %d initializations active",
                        numbers(set), replayed.applied(), Duration.ofNanos(System.nanoTime() - started).toMillis(),
                        state.active());
            }
            assigned.addAll(numbers(set));
        } catch (RuntimeException e) {
            // Live events still flow; only the initializations that went quiet before the assignment are missing.
            LOG.errorf(e, "could not re-read the history of partitions %s: state is partial, not ready", partitions);
            assigned.addAll(numbers(partitions));
            incomplete.addAll(numbers(partitions));
        } finally {
            rebuilding = false;
            firstAssignmentDone = true;
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Set<Integer> revoked = numbers(partitions);
        assigned.removeAll(revoked);
        incomplete.removeAll(revoked);
        state.revoke(revoked);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        onPartitionsRevoked(consumer, partitions);
    }

    /** Whether a record of this partition may still be applied (a revoked partition's late records may not). */
    public boolean owns(int partition) {
        return assigned.contains(partition);
    }

    /**
     * Ready once the first assignment has been handled, while no history is being re-read, and when every
     * assigned partition's history was re-read completely.
     */
    public boolean ready() {
        return firstAssignmentDone && !rebuilding && incomplete.isEmpty();
    }

    /** Assigned partitions whose history was not fully re-read: their quiet initializations may be missing. */
    public Set<Integer> incomplete() {
        return Set.copyOf(incomplete);
    }

    public boolean rebuilding() {
        return rebuilding;
    }

    public Set<Integer> assigned() {
        return Set.copyOf(assigned);
    }

    /** What a re-read applied, and the partitions it could not finish. */
    private record Replay(int applied, Set<TopicPartition> incomplete) {
    }

    /** Applies [beginning, end) of each partition as history. */
    private Replay replay(Map<TopicPartition, Long> historyEnds) {
        Map<TopicPartition, Long> remaining = new HashMap<>(historyEnds);
        remaining.values().removeIf(end -> end <= 0);
        if (remaining.isEmpty()) {
            return new Replay(0, Set.of());
        }
        int applied = 0;
        AtomicInteger unreadable = new AtomicInteger();
        // History is state only: nothing it drops or skips is counted in the live metrics.
        EventIntake<ConsumerRecord<byte[], byte[]>> intake = EventIntake.kafka(
                Deduplication.afterApplied(state::lastSequence), IntakeListener.NONE);
        long deadline = System.nanoTime() + alertConfig.rebuild().timeout().toNanos();
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(readerProperties())) {
            reader.assign(remaining.keySet());
            reader.seekToBeginning(remaining.keySet());
            reader.beginningOffsets(remaining.keySet()).forEach((partition, begin) -> {
                if (begin >= remaining.get(partition)) {
                    remaining.remove(partition); // retention removed all of it
                }
            });
            while (!remaining.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    LOG.warnf("history of partitions %s not fully re-read within %s: state is partial, not ready",
                            remaining.keySet(), alertConfig.rebuild().timeout());
                    break;
                }
                List<ConsumerRecord<byte[], byte[]>> history = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    Long end = remaining.get(new TopicPartition(record.topic(), record.partition()));
                    if (end != null && record.offset() < end) {
                        history.add(record);
                    }
                }
                IntakeBatch<ConsumerRecord<byte[], byte[]>> batch = intake.take(history);
                applied += batch.events().size();
                unreadable.addAndGet(batch.unreadable().size());
                // A hole the contract does not check is unreadable too.
                state.applyAll(batch.events(), false, (accepted, e) -> unreadable.incrementAndGet());
                remaining.entrySet().removeIf(entry -> reader.position(entry.getKey()) >= entry.getValue());
                reader.pause(reader.assignment().stream().filter(p -> !remaining.containsKey(p)).toList());
            }
        }
        if (unreadable.get() > 0) {
            LOG.warnf("%d unreadable records skipped while re-reading history", unreadable.get());
        }
        return new Replay(applied, Set.copyOf(remaining.keySet()));
    }

    private Properties readerProperties() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config
                .getOptionalValue("mp.messaging.incoming." + ProgressConsumer.CHANNEL + ".bootstrap.servers", String.class)
                .orElseGet(() -> config.getValue("kafka.bootstrap.servers", String.class)));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "alert-consumer-rebuild");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    }
}
