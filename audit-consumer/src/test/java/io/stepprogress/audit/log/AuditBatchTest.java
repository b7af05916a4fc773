package io.stepprogress.audit.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.audit.support.DeadLetters;
import io.stepprogress.audit.support.Metrics;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.ProgressTopics;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.testkit.Events;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A batch exactly as one poll hands it to the consumer, against the real table and the real dead-letter
 * topic: whatever Kafka puts in one batch, each event is recorded once, in order, and only what the table
 * refuses is dead-lettered.
 */
@QuarkusTest
class AuditBatchTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A partition the topic does not have, so these records never meet the ones Kafka delivers. */
    private static final int PARTITION = 99;
    private static final AtomicLong OFFSETS = new AtomicLong();

    @Inject
    AuditConsumer consumer;

    @Inject
    AuditLog log;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void aBatchIsRecordedWholeAndInOrder() throws InterruptedException {
        Events.Run a = Events.plan(id("batch-a"), "s");
        Events.Run b = Events.plan(id("batch-b"), "s");
        List<StepProgressUpdated> events = List.of(a.initialized(), b.initialized(), a.progress("s", 10),
                a.progress("s", 20), b.progress("s", 50));

        consumer.recordBatch(records(events));

        assertThat(ids(a.projectId())).containsExactly(events.get(0).eventId(), events.get(2).eventId(),
                events.get(3).eventId());
        assertThat(ids(b.projectId())).containsExactly(events.get(1).eventId(), events.get(4).eventId());
        assertThat(log.page(a.projectId(), 0, 10)).extracting(AuditEntry::kafkaOffset).isSorted();
    }

    @Test
    void aBatchRedeliveredWholeKeepsOneRowPerEvent() throws InterruptedException {
        Events.Run run = Events.plan(id("batch-again"), "s");
        List<StepProgressUpdated> events = List.of(run.initialized(), run.progress("s", 10), run.progress("s", 20));
        List<ConsumerRecord<String, byte[]>> batch = records(events);
        consumer.recordBatch(batch);
        double duplicatesBefore = Metrics.value("audit_events_duplicate_total");

        consumer.recordBatch(batch);

        assertThat(ids(run.projectId())).containsExactlyElementsOf(events.stream().map(StepProgressUpdated::eventId)
                .toList());
        assertThat(Metrics.value("audit_events_duplicate_total")).isGreaterThanOrEqualTo(duplicatesBefore + 3);
    }

    @Test
    void anEventTwiceInOneBatchIsRecordedOnce() throws InterruptedException {
        Events.Run run = Events.plan(id("batch-twice"), "s");
        StepProgressUpdated first = run.initialized();
        StepProgressUpdated second = run.progress("s", 10);
        double duplicatesBefore = Metrics.value("audit_events_duplicate_total");

        consumer.recordBatch(records(List.of(first, second, first, second)));

        assertThat(ids(run.projectId())).containsExactly(first.eventId(), second.eventId());
        assertThat(Metrics.value("audit_events_duplicate_total")).isGreaterThanOrEqualTo(duplicatesBefore + 2);
    }

    @Test
    void aStaleEventInABatchIsSkippedAndTheNewerOnesAroundItAreRecorded() throws InterruptedException {
        Events.Run run = Events.plan(id("batch-stale"), "s");
        StepProgressUpdated first = run.initialized();
        StepProgressUpdated second = run.progress("s", 10);
        consumer.recordBatch(records(List.of(first, second)));
        StepProgressUpdated third = run.progress("s", 20);
        StepProgressUpdated fourth = run.progress("s", 30);

        consumer.recordBatch(records(List.of(third, first, fourth)));

        assertThat(ids(run.projectId())).containsExactly(first.eventId(), second.eventId(), third.eventId(),
                fourth.eventId());
    }

    @Test
    void aSequenceConflictInTheMiddleOfABatchIsTheOnlyRecordDeadLetteredAndTheRestIsRecorded()
            throws InterruptedException {
        Events.Run run = Events.plan(id("batch-conflict"), "s");
        StepProgressUpdated first = run.initialized();
        consumer.recordBatch(records(List.of(first)));
        StepProgressUpdated impostor = impostorOf(first);
        StepProgressUpdated second = run.progress("s", 10);
        StepProgressUpdated third = run.progress("s", 20);
        // Also two events claiming one sequence inside the batch: the first of them is recorded.
        Events.Run other = Events.plan(id("batch-conflict-inside"), "s");
        StepProgressUpdated claimed = other.initialized();
        StepProgressUpdated rival = impostorOf(claimed);
        double conflictsBefore = Metrics.value("audit_sequence_conflicts_total");

        consumer.recordBatch(records(List.of(second, impostor, claimed, rival, third)));

        assertThat(ids(run.projectId())).containsExactly(first.eventId(), second.eventId(), third.eventId());
        assertThat(ids(other.projectId())).containsExactly(claimed.eventId());
        assertThat(log.find(impostor.eventId())).isEmpty();
        assertThat(log.find(rival.eventId())).isEmpty();
        assertThat(Metrics.value("audit_sequence_conflicts_total")).isGreaterThanOrEqualTo(conflictsBefore + 2);
        Map<String, String> reasons = DeadLetters.reasons(bootstrapServers, List.of(run.projectId(),
                other.projectId()), WAIT);
        assertThat(reasons.get(run.projectId())).contains("sequence conflict").contains(impostor.eventId().toString());
        assertThat(reasons.get(other.projectId())).contains("sequence conflict").contains(rival.eventId().toString());
    }

    @Test
    void aRowTheTableCannotTakeIsDeadLetteredAndTheRestOfItsBatchIsRecorded() throws InterruptedException {
        Events.Run run = Events.plan(id("batch-bad"), "s");
        StepProgressUpdated tooLong = Events.plan("y".repeat(100), "s").initialized();
        StepProgressUpdated first = run.initialized();
        StepProgressUpdated second = run.progress("s", 10);

        consumer.recordBatch(records(List.of(first, tooLong, second)));

        assertThat(ids(run.projectId())).containsExactly(first.eventId(), second.eventId());
        assertThat(DeadLetters.reasons(bootstrapServers, List.of(tooLong.projectId()), WAIT).get(tooLong.projectId()))
                .contains("rejected by the audit table");
    }

    private List<UUID> ids(String projectId) {
        return log.page(projectId, 0, 100).stream().map(entry -> entry.event().eventId()).toList();
    }

    private static StepProgressUpdated impostorOf(StepProgressUpdated event) {
        return new StepProgressUpdated(UUID.randomUUID(), event.type(), event.projectId(), event.sequence(),
                event.occurredAt(), event.change(), event.step(), event.initialization());
    }

    /** Records as a poll returns them: consecutive offsets of one partition. */
    private static List<ConsumerRecord<String, byte[]>> records(List<StepProgressUpdated> events) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        for (StepProgressUpdated event : events) {
            records.add(new ConsumerRecord<>(ProgressTopics.PROJECT_PROGRESS, PARTITION, OFFSETS.incrementAndGet(),
                    event.projectId(), EventJson.write(event).getBytes(StandardCharsets.UTF_8)));
        }
        return records;
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
