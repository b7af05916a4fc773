package io.stepprogress.testkit;

import io.stepprogress.event.EventJson;
import io.stepprogress.event.ProgressTopics;
import io.stepprogress.event.StepProgressUpdated;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Publishes events to the real topic the way progress-service's relay does (key = project id, eventId and
 * eventType headers), so tests can also send what the relay never would: duplicates, old sequences, poison.
 */
public final class EventPublisher {

    private static KafkaProducer<String, byte[]> producer;

    private EventPublisher() {
    }

    public static void publish(StepProgressUpdated event) {
        publishRaw(event.projectId(), EventJson.write(event).getBytes(StandardCharsets.UTF_8), event.eventId().toString());
    }

    /** Sends all, then waits for every ack: order per project is kept by the key and the idempotent producer. */
    public static void publishAll(List<StepProgressUpdated> events) {
        List<java.util.concurrent.Future<?>> sends = new java.util.ArrayList<>();
        for (StepProgressUpdated event : events) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(ProgressTopics.PROJECT_PROGRESS,
                    event.projectId(), EventJson.write(event).getBytes(StandardCharsets.UTF_8));
            record.headers().add(ProgressTopics.EVENT_ID_HEADER,
                    event.eventId().toString().getBytes(StandardCharsets.UTF_8));
            sends.add(producer().send(record));
        }
        try {
            for (java.util.concurrent.Future<?> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to Kafka", e);
        }
    }

    /** As the relay sends an event of a traced request: with its publish span's W3C traceparent header. */
    public static void publishTraced(StepProgressUpdated event, String traceparent) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(ProgressTopics.PROJECT_PROGRESS,
                event.projectId(), EventJson.write(event).getBytes(StandardCharsets.UTF_8));
        record.headers().add(ProgressTopics.EVENT_ID_HEADER, event.eventId().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(ProgressTopics.TRACEPARENT_HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
        try {
            producer().send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to Kafka", e);
        }
    }

    /** Anything as a record value: for poison-message tests. */
    public static void publishRaw(String key, byte[] value, String eventId) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(ProgressTopics.PROJECT_PROGRESS, key, value);
        record.headers().add(ProgressTopics.EVENT_ID_HEADER, eventId.getBytes(StandardCharsets.UTF_8));
        record.headers().add(ProgressTopics.EVENT_TYPE_HEADER, StepProgressUpdated.TYPE.getBytes(StandardCharsets.UTF_8));
        try {
            producer().send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to Kafka", e);
        }
    }

    /** For test resources, which run before the application's configuration exists. */
    public static void publishAll(String bootstrapServers, List<StepProgressUpdated> events) {
        try (KafkaProducer<String, byte[]> own = newProducer(bootstrapServers)) {
            for (StepProgressUpdated event : events) {
                own.send(new ProducerRecord<>(ProgressTopics.PROJECT_PROGRESS, event.projectId(),
                        EventJson.write(event).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to Kafka", e);
        }
    }

    private static synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = newProducer(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        }
        return producer;
    }

    private static KafkaProducer<String, byte[]> newProducer(String bootstrap) {
        createTopic(bootstrap);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /** Creates the topic as the relay would (3 partitions), unless it exists: consumers in tests subscribe before any event. */
    public static void createTopic(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(ProgressTopics.PROJECT_PROGRESS, 3, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the topic", e);
        }
    }
}
