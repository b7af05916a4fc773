package io.stepprogress.alert.lag;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.stepprogress.alert.AlertConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Consumer lag as the broker sees it, not as the consumer reports it: every {@code alert.lag-probe.interval}
 * an AdminClient reads the committed offsets of {@code alert.lag-probe.groups} on {@code alert.lag-probe.topic}
 * and the end offsets of its partitions. A consumer that is stuck, closed or dead stops committing; its own
 * {@code records_lag_max} then goes silent, while these series keep growing. Prometheus names:
 * <ul>
 * <li>{@code consumer_group_lag{group,topic,partition}}: end offset − committed offset;</li>
 * <li>{@code consumer_group_committed_offset{group,topic,partition}}: the committed offset; the alert rules
 * look for one that has not moved ({@code changes()}) while the lag is above zero;</li>
 * <li>{@code consumer_group_lag_probe_success}: 1 when the last probe read everything, 0 when it failed (the
 * two series above are then removed, so that stale values raise nothing).</li>
 * </ul>
 * Only partitions a group has committed are exported: a group that never committed one (a new deployment,
 * {@code auto.offset.reset=latest}) has no meaningful lag there.
 */
@ApplicationScoped
public class ConsumerGroupLagProbe {

    private static final Logger LOG = Logger.getLogger(ConsumerGroupLagProbe.class);
    private static final long TIMEOUT_SECONDS = 10;

    private record Key(String group, TopicPartition partition) {
    }

    private record Offsets(AtomicLong lag, AtomicLong committed) {
    }

    private final MeterRegistry registry;
    private final String bootstrapServers;
    private final List<String> groups;
    private final String topic;
    private final boolean enabled;
    private final AtomicLong success = new AtomicLong();
    private final Map<Key, Offsets> exported = new ConcurrentHashMap<>();
    private Admin admin;

    ConsumerGroupLagProbe(MeterRegistry registry,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, AlertConfig config) {
        this.registry = registry;
        this.bootstrapServers = bootstrapServers;
        this.groups = List.copyOf(config.lagProbe().groups());
        this.topic = config.lagProbe().topic();
        this.enabled = config.lagProbe().enabled();
        Gauge.builder("consumer.group.lag.probe.success", success, AtomicLong::get)
                .description("1 when the last consumer group lag probe succeeded, 0 when it failed").register(registry);
    }

    @Scheduled(identity = "consumer-group-lag-probe", every = "${alert.lag-probe.interval:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (enabled) {
            probe();
        }
    }

    /** Reads the offsets once and updates the gauges; returns whether it succeeded. */
    public synchronized boolean probe() {
        try {
            Admin client = admin();
            Map<Key, Long> committed = new HashMap<>();
            for (String group : groups) {
                Map<TopicPartition, OffsetAndMetadata> offsets = client.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                offsets.forEach((partition, offset) -> {
                    if (offset != null && partition.topic().equals(topic)) {
                        committed.put(new Key(group, partition), offset.offset());
                    }
                });
            }
            Set<TopicPartition> partitions = committed.keySet().stream().map(Key::partition)
                    .collect(Collectors.toSet());
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = partitions.isEmpty() ? Map.of()
                    : client.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                            .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            committed.forEach((key, offset) -> {
                Offsets gauges = exported.computeIfAbsent(key, this::register);
                gauges.committed().set(offset);
                gauges.lag().set(Math.max(0, ends.get(key.partition()).offset() - offset));
            });
            exported.keySet().stream().filter(key -> !committed.containsKey(key)).toList().forEach(this::unregister);
            success.set(1);
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warnf("consumer group lag probe failed (%s): %s", bootstrapServers, e.toString());
            Set.copyOf(exported.keySet()).forEach(this::unregister);
            success.set(0);
            return false;
        }
    }

    private Offsets register(Key key) {
        Offsets offsets = new Offsets(new AtomicLong(), new AtomicLong());
        Tags tags = tags(key);
        Gauge.builder("consumer.group.lag", offsets.lag(), AtomicLong::get).tags(tags)
                .description("Records of the partition after the group's committed offset").register(registry);
        Gauge.builder("consumer.group.committed.offset", offsets.committed(), AtomicLong::get).tags(tags)
                .description("The group's committed offset on the partition").register(registry);
        return offsets;
    }

    private void unregister(Key key) {
        Tags tags = tags(key);
        registry.find("consumer.group.lag").tags(tags).meters().forEach(registry::remove);
        registry.find("consumer.group.committed.offset").tags(tags).meters().forEach(registry::remove);
        exported.remove(key);
    }

    private static Tags tags(Key key) {
        return Tags.of("group", key.group(), "topic", key.partition().topic(), "partition",
                Integer.toString(key.partition().partition()));
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.CLIENT_ID_CONFIG, "alert-consumer-lag-probe",
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(TIMEOUT_SECONDS).toMillis(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(TIMEOUT_SECONDS).toMillis()));
        }
        return admin;
    }

    synchronized void close(@Observes ShutdownEvent event) {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }
}
