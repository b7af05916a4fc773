package io.stepprogress.audit.log;

import static io.stepprogress.testkit.EventPublisher.publishAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.stepprogress.audit.support.Metrics;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.testkit.EventPublisher;
import io.stepprogress.testkit.Events;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Exactly one audit row per event id, whatever Kafka redelivers; poison goes aside; gaps are noticed. */
@QuarkusTest
class AuditConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    AuditLog log;

    @Inject
    KafkaClientService kafkaClients;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void theSameEventDeliveredTwiceIsRecordedOnce() {
        Events.Run run = Events.plan(id("twice"), "a");
        StepProgressUpdated first = run.initialized();
        StepProgressUpdated second = run.progress("a", 10);
        double duplicatesBefore = Metrics.value("audit_events_duplicate_total");

        publishAll(List.of(first, first, second, second, second));

        await().atMost(WAIT).until(() -> log.count(run.projectId()) == 2);
        await().atMost(WAIT).until(() -> Metrics.value("audit_events_duplicate_total") >= duplicatesBefore + 3);
        assertThat(log.page(run.projectId(), 0, 10)).extracting(e -> e.event().eventId())
                .containsExactly(first.eventId(), second.eventId());
    }

    /**
     * What a crash between the database commit and the offset commit leaves behind: records whose rows exist
     * but whose offsets Kafka does not have. Seeking the running consumer back to the beginning redelivers
     * every one of them; the rows must stay one per event.
     */
    @Test
    void redeliveryOfAlreadyRecordedEventsKeepsOneRowPerEvent() {
        Events.Run run = Events.plan(id("redelivered"), "a");
        List<StepProgressUpdated> events = new ArrayList<>(List.of(run.initialized()));
        for (int p = 1; p <= 5; p++) {
            events.add(run.progress("a", p * 10));
        }
        publishAll(events);
        await().atMost(WAIT).until(() -> log.count(run.projectId()) == 6);
        double duplicatesBefore = Metrics.value("audit_events_duplicate_total");

        java.util.function.Consumer<org.apache.kafka.clients.consumer.Consumer<Object, Object>> rewind =
                consumer -> consumer.seekToBeginning(consumer.assignment());
        kafkaClients.getConsumer(AuditConsumer.CHANNEL).runOnPollingThread(rewind).await().atMost(WAIT);
        // Same key, same partition: once this marker is recorded, the redelivered events before it were seen.
        publishAll(List.of(run.progress("a", 90)));

        await().atMost(WAIT).until(() -> log.count(run.projectId()) == 7);
        assertThat(Metrics.value("audit_events_duplicate_total")).isGreaterThanOrEqualTo(duplicatesBefore + 6);
        assertThat(log.page(run.projectId(), 0, 100)).extracting(AuditEntry::sequence)
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    }

    @Test
    void poisonGoesToTheDeadLetterTopicWithItsReasonAndLaterEventsAreStillRecorded() {
        Events.Run run = Events.plan(id("poison"), "a");
        double deadBefore = Metrics.value("audit_dead_letter_total");

        EventPublisher.publishRaw(run.projectId(), "{not json".getBytes(StandardCharsets.UTF_8), "poison-1");
        StepProgressUpdated tooLong = Events.plan("x".repeat(100), "a").initialized();
        publishAll(List.of(tooLong));
        publishAll(List.of(run.initialized()));

        await().atMost(WAIT).until(() -> log.count(run.projectId()) == 1);
        assertThat(Metrics.value("audit_dead_letter_total")).isGreaterThanOrEqualTo(deadBefore + 2);
        Map<String, String> reasons = deadLetterReasons(List.of(run.projectId(), tooLong.projectId()));
        assertThat(reasons.get(run.projectId())).contains("unparseable");
        assertThat(reasons.get(tooLong.projectId())).contains("rejected by the audit table");
    }

    @Test
    void aSequenceGapIsRecordedAndCounted() {
        Events.Run run = Events.plan(id("gap"), "a");
        StepProgressUpdated first = run.initialized();
        run.progress("a", 10); // sequence 2, never published
        StepProgressUpdated third = run.progress("a", 20);
        double gapsBefore = Metrics.value("audit_sequence_gaps_total");

        publishAll(List.of(first, third));

        await().atMost(WAIT).until(() -> log.count(run.projectId()) == 2);
        assertThat(Metrics.value("audit_sequence_gaps_total")).isEqualTo(gapsBefore + 1);
    }

    private Map<String, String> deadLetterReasons(List<String> keys) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Map<String, String> reasons = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of("project-progress-audit-dlq"));
            await().atMost(WAIT).until(() -> {
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

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
