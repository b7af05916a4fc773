package io.stepprogress.alert.support;

import io.stepprogress.event.EventJson;
import io.stepprogress.event.ProgressTopics;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.infra.Infrastructure;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The shared test broker, as progress-service's relay writes to it (key = project id, eventId/eventType headers). */
public final class Kafka {

    private static final int PARTITIONS = 3;
    private static KafkaProducer<String, byte[]> producer;

    private Kafka() {
    }

    public static String bootstrapServers() {
        return Infrastructure.shared().kafka().bootstrapServers();
    }

    /** Sends in order and waits for every ack. */
    public static void publish(StepProgressUpdated... events) {
        List<Future<?>> acks = new ArrayList<>();
        for (StepProgressUpdated event : events) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(ProgressTopics.PROJECT_PROGRESS,
                    event.projectId(), EventJson.write(event).getBytes(StandardCharsets.UTF_8));
            record.headers().add(ProgressTopics.EVENT_ID_HEADER, bytes(event.eventId().toString()));
            record.headers().add(ProgressTopics.EVENT_TYPE_HEADER, bytes(event.type()));
            acks.add(producer().send(record));
        }
        await(acks);
    }

    /** Any bytes as a record value: poison. */
    public static void publishRaw(String key, byte[] value) {
        await(List.of(producer().send(new ProducerRecord<>(ProgressTopics.PROJECT_PROGRESS, key, value))));
    }

    /** Commits the current end of every partition for {@code group}: as if it had consumed everything so far. */
    public static void commitEnd(String group) {
        try (Admin admin = admin()) {
            createTopic();
            List<TopicPartition> partitions = admin.describeTopics(List.of(ProgressTopics.PROJECT_PROGRESS))
                    .allTopicNames().get(30, TimeUnit.SECONDS).get(ProgressTopics.PROJECT_PROGRESS).partitions()
                    .stream().map(p -> new TopicPartition(ProgressTopics.PROJECT_PROGRESS, p.partition())).toList();
            Map<TopicPartition, OffsetAndMetadata> ends = admin
                    .listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue().offset())));
            admin.alterConsumerGroupOffsets(group, ends).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot commit offsets for " + group, e);
        }
    }

    private static synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            createTopic();
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        }
        return producer;
    }

    private static void createTopic() {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(ProgressTopics.PROJECT_PROGRESS, PARTITIONS, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the topic", e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the topic", e);
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    private static void await(List<Future<?>> acks) {
        try {
            for (Future<?> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to Kafka", e);
        }
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
