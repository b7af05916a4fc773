package io.stepprogress.progress.support;

import io.stepprogress.event.EventJson;
import io.stepprogress.event.ProgressTopics;
import io.stepprogress.event.StepProgressUpdated;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A real Kafka consumer on {@link ProgressTopics#PROJECT_PROGRESS}, from the beginning, in its own group:
 * what a downstream service would see. Records are kept per key (project id) in arrival order.
 */
public final class ProgressTopicTail {

    /** One record as consumed, with the local time it arrived. */
    public record Received(String key, Map<String, String> headers, String rawValue, StepProgressUpdated event,
                           int partition, long consumedAtNanos) {
    }

    private static ProgressTopicTail shared;

    private final Map<String, List<Received>> byProject = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread poller;
    private volatile boolean running = true;

    private ProgressTopicTail(String bootstrapServers) {
        io.stepprogress.testkit.EventPublisher.createTopic(bootstrapServers);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "progress-test-tail-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(ProgressTopics.PROJECT_PROGRESS));
        poller = new Thread(this::poll, "progress-topic-tail");
        poller.setDaemon(true);
        poller.start();
    }

    public static synchronized ProgressTopicTail shared() {
        if (shared == null) {
            shared = new ProgressTopicTail(
                    ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        }
        return shared;
    }

    /** Everything received for a project so far, in arrival order (duplicates included). */
    public List<Received> received(String projectId) {
        List<Received> records = byProject.get(projectId);
        if (records == null) {
            return List.of();
        }
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** Sequences received for a project, in arrival order. */
    public List<Long> sequences(String projectId) {
        return received(projectId).stream().map(r -> r.event().sequence()).toList();
    }

    /** Whether the project's events up to {@code sequence} arrived (at least once). */
    public boolean hasSequence(String projectId, long sequence) {
        return received(projectId).stream().anyMatch(r -> r.event().sequence() == sequence);
    }

    private void poll() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    Map<String, String> headers = new HashMap<>();
                    for (Header header : record.headers()) {
                        headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
                    }
                    Received received = new Received(record.key(), headers,
                            new String(record.value(), StandardCharsets.UTF_8), EventJson.read(record.value()),
                            record.partition(), now);
                    List<Received> list = byProject.computeIfAbsent(record.key(), k -> new ArrayList<>());
                    synchronized (list) {
                        list.add(received);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }
}
