package io.stepprogress.audit.support;

import static org.awaitility.Awaitility.await;

import io.stepprogress.audit.log.AuditConsumer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The audit dead-letter topic as an operator reads it: by record key, with the reason header. */
public final class DeadLetters {

    /** mp.messaging.outgoing.audit-dead-letter.topic */
    public static final String TOPIC = "project-progress-audit-dlq";

    private DeadLetters() {
    }

    /** Waits (at most {@code wait}) until a dead letter keyed by each of {@code keys} is read; key → reason. */
    public static Map<String, String> reasons(String bootstrapServers, List<String> keys, Duration wait) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Map<String, String> reasons = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(TOPIC));
            await().atMost(wait).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Header reason = record.headers().lastHeader(AuditConsumer.REASON_HEADER);
                    if (keys.contains(record.key()) && reason != null) {
                        reasons.put(record.key(), new String(reason.value(), StandardCharsets.UTF_8));
                    }
                }
                return reasons.keySet().containsAll(keys);
            });
        }
        return reasons;
    }
}
