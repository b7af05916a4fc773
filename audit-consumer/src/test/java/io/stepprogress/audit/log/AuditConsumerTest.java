package io.stepprogress.audit.log;

import static io.stepprogress.testkit.EventPublisher.publishAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.stepprogress.audit.support.DeadLetters;
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
import java.util.UUID;
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
        // A row the table refuses is dead-lettered after the batch's good rows are committed (AuditConsumer
        // #recordBatch), so the count may still be one short when the good row shows: wait for it, do not race it.
        await().atMost(WAIT).until(() -> Metrics.value("audit_dead_letter_total") >= deadBefore + 2);
        Map<String, String> reasons = deadLetterReasons(List.of(run.projectId(), tooLong.projectId()));
        assertThat(reasons.get(run.projectId())).contains("unparseable");
        assertThat(reasons.get(tooLong.projectId())).contains("rejected by the audit table");
    }

    /**
     * Records that once failed inside the handler (a NullPointerException retried forever, or a tombstone
     * failing the channel): each goes to the dead-letter topic with its reason, and the partition moves on.
     */
    @Test
    void aTombstoneAndEventsMissingRequiredFieldsAreDeadLetteredWithTheirReason() {
        Events.Run run = Events.plan(id("after-holes"), "a");
        String tombstone = id("tombstone");
        StepProgressUpdated noOccurredAt = withHole(Events.plan(id("no-occurred-at"), "a").initialized(),
                "\"occurredAt\":\"[^\"]*\",", "");
        StepProgressUpdated noStatus = withHole(Events.plan(id("no-status"), "a").initialized(),
                "(\"initialization\":\\{\"projectId\":\"[^\"]*\"),\"status\":\"pending\"", "$1");
        double deadBefore = Metrics.value("audit_dead_letter_total");

        EventPublisher.publishRaw(tombstone, null, UUID.randomUUID().toString());
        EventPublisher.publishRaw(noOccurredAt.projectId(), holes.get(noOccurredAt), noOccurredAt.eventId().toString());
        EventPublisher.publishRaw(noStatus.projectId(), holes.get(noStatus), noStatus.eventId().toString());
        publishAll(List.of(run.initialized()));

        await().atMost(WAIT).until(() -> log.count(run.projectId()) == 1);
        await().atMost(WAIT).until(() -> Metrics.value("audit_dead_letter_total") >= deadBefore + 3);
        assertThat(log.count(noOccurredAt.projectId())).isZero();
        assertThat(log.count(noStatus.projectId())).isZero();
        Map<String, String> reasons = deadLetterReasons(List.of(tombstone, noOccurredAt.projectId(),
                noStatus.projectId()));
        assertThat(reasons.get(tombstone)).contains("tombstone");
        assertThat(reasons.get(noOccurredAt.projectId())).contains("occurredAt");
        assertThat(reasons.get(noStatus.projectId())).contains("initialization.status");
    }

    /**
     * A different event for a recorded project and sequence is not a redelivery: skipping it as a duplicate
     * would hide that two events claim one position. It is dead-lettered and counted; the recorded one stays.
     */
    @Test
    void aSecondEventForARecordedSequenceIsDeadLetteredAndCountedNotSkippedAsADuplicate() {
        Events.Run run = Events.plan(id("conflict"), "a");
        StepProgressUpdated first = run.initialized();
        StepProgressUpdated impostor = new StepProgressUpdated(UUID.randomUUID(), first.type(), first.projectId(),
                first.sequence(), first.occurredAt(), first.change(), first.step(), first.initialization());
        StepProgressUpdated second = run.progress("a", 10);
        double conflictsBefore = Metrics.value("audit_sequence_conflicts_total");
        double deadBefore = Metrics.value("audit_dead_letter_total");
        double duplicatesBefore = Metrics.value("audit_events_duplicate_total");

        publishAll(List.of(first, impostor, first, second));

        await().atMost(WAIT).until(() -> log.count(run.projectId()) == 2);
        await().atMost(WAIT).until(() -> Metrics.value("audit_sequence_conflicts_total") >= conflictsBefore + 1);
        assertThat(Metrics.value("audit_sequence_conflicts_total")).isEqualTo(conflictsBefore + 1);
        assertThat(Metrics.value("audit_dead_letter_total")).isGreaterThanOrEqualTo(deadBefore + 1);
        assertThat(Metrics.value("audit_events_duplicate_total")).isGreaterThanOrEqualTo(duplicatesBefore + 1);
        assertThat(log.find(impostor.eventId())).isEmpty();
        assertThat(log.page(run.projectId(), 0, 10)).extracting(e -> e.event().eventId())
                .containsExactly(first.eventId(), second.eventId());
        assertThat(deadLetterReasons(List.of(run.projectId())).get(run.projectId()))
                .contains("sequence conflict").contains(impostor.eventId().toString());
    }

    private final Map<StepProgressUpdated, byte[]> holes = new HashMap<>();

    /** The event's JSON with a required field cut out (the returned event is only a handle on it). */
    private StepProgressUpdated withHole(StepProgressUpdated event, String regex, String replacement) {
        String json = io.stepprogress.event.EventJson.write(event);
        String holed = json.replaceFirst(regex, replacement);
        assertThat(holed).as("the field was cut out").isNotEqualTo(json);
        holes.put(event, holed.getBytes(StandardCharsets.UTF_8));
        return event;
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
        return DeadLetters.reasons(bootstrapServers, keys, WAIT);
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
