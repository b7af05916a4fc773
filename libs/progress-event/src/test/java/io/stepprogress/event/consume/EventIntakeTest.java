package io.stepprogress.event.consume;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepprogress.event.ChangeKind;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class EventIntakeTest {

    private static final Instant AT = Instant.parse("2026-11-29T10:00:00Z");

    /** A transport's record, as plain as it gets. */
    record Raw(long offset, byte[] value) {
    }

    private static final RecordAccess<Raw> RAW = new RecordAccess<>() {
        @Override
        public byte[] value(Raw record) {
            return record.value();
        }

        @Override
        public RecordPosition position(Raw record) {
            return new RecordPosition("t", 0, record.offset());
        }
    };

    private final List<String> unreadable = new ArrayList<>();
    private final List<String> dropped = new ArrayList<>();
    private final IntakeListener listener = new IntakeListener() {
        @Override
        public void unreadable(RecordPosition position, String reason) {
            unreadable.add(position + " " + reason);
        }

        @Override
        public void dropped(RecordPosition position, StepProgressUpdated event) {
            dropped.add(position + " " + event.projectId() + "#" + event.sequence());
        }
    };
    /** What a consumer's state applied so far, per project. */
    private final Map<String, Long> applied = new HashMap<>();

    private EventIntake<Raw> inMemory() {
        return new EventIntake<>(RAW, Deduplication.afterApplied(p -> applied.getOrDefault(p, 0L)), listener);
    }

    private EventIntake<Raw> store() {
        return new EventIntake<>(RAW, Deduplication.byStoreWithUniqueEventId(), listener);
    }

    private static StepProgressUpdated event(String projectId, long sequence) {
        return event(UUID.randomUUID(), projectId, sequence);
    }

    private static StepProgressUpdated event(UUID id, String projectId, long sequence) {
        InitializationView view = new InitializationView(projectId, InitializationStatus.RUNNING, 10, null, null,
                sequence, AT, AT, null, null, List.of());
        return StepProgressUpdated.of(id, AT, ChangeKind.PROGRESSED, null, view);
    }

    private static List<Raw> records(Object... values) {
        List<Raw> records = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            byte[] bytes = values[i] instanceof StepProgressUpdated event
                    ? EventJson.write(event).getBytes(StandardCharsets.UTF_8)
                    : values[i] == null ? null : values[i].toString().getBytes(StandardCharsets.UTF_8);
            records.add(new Raw(i, bytes));
        }
        return records;
    }

    private static List<String> sequences(IntakeBatch<Raw> batch) {
        return batch.events().stream().map(a -> a.event().projectId() + "#" + a.event().sequence() + "@"
                + a.position().offset()).toList();
    }

    @Test
    void handsBackEveryNewEventOfABatchInTheOrderItWasRead() {
        IntakeBatch<Raw> batch = inMemory().take(records(event("a", 1), event("b", 1), event("a", 2)));

        assertThat(sequences(batch)).containsExactly("a#1@0", "b#1@1", "a#2@2");
        assertThat(batch.events().get(2).record().offset()).isEqualTo(2);
        assertThat(batch.unreadable()).isEmpty();
        assertThat(batch.dropped()).isZero();
    }

    @Test
    void setsUnreadableRecordsAsideWithTheirReasonAndReportsEachOnce() {
        IntakeBatch<Raw> batch = inMemory().take(records(null, "{not json", "{\"projectId\":\"a\"}", event("a", 1)));

        assertThat(sequences(batch)).containsExactly("a#1@3");
        assertThat(batch.unreadable()).extracting(u -> u.position().offset()).containsExactly(0L, 1L, 2L);
        assertThat(batch.unreadable().get(0).reason()).contains("tombstone");
        assertThat(batch.unreadable().get(1).reason()).contains("unparseable");
        assertThat(batch.unreadable().get(2).reason()).contains("required");
        assertThat(unreadable).hasSize(3).first().asString().startsWith("t-0@0 ");
    }

    @Test
    void dropsEventsWhoseSequenceTheStateHasAlreadyApplied() {
        applied.put("a", 5L);

        IntakeBatch<Raw> batch = inMemory().take(records(event("a", 4), event("a", 5), event("a", 6)));

        assertThat(sequences(batch)).containsExactly("a#6@2");
        assertThat(batch.dropped()).isEqualTo(2);
        assertThat(dropped).containsExactly("t-0@0 a#4", "t-0@1 a#5");
    }

    @Test
    void dropsARepeatWithinOneBatchBeforeTheStateHasAppliedTheFirst() {
        StepProgressUpdated first = event("a", 1);

        IntakeBatch<Raw> batch = inMemory().take(records(first, event("b", 1), first, event("a", 2)));

        assertThat(sequences(batch)).containsExactly("a#1@0", "b#1@1", "a#2@3");
        assertThat(dropped).containsExactly("t-0@2 a#1");
    }

    @Test
    void dropsAnOlderEventThatComesAfterANewerOneOfItsProjectInTheSameBatch() {
        IntakeBatch<Raw> batch = inMemory().take(records(event("a", 3), event("a", 2), event("a", 3), event("a", 4)));

        assertThat(sequences(batch)).containsExactly("a#3@0", "a#4@3");
        assertThat(batch.dropped()).isEqualTo(2);
    }

    @Test
    void asksTheStateAgainForEveryBatch() {
        EventIntake<Raw> intake = inMemory();
        intake.take(records(event("a", 1), event("a", 2)));

        IntakeBatch<Raw> redelivered = intake.take(records(event("a", 1), event("a", 2)));

        assertThat(sequences(redelivered)).as("nothing was applied, so nothing is known").hasSize(2);
        applied.put("a", 2L);
        assertThat(intake.take(records(event("a", 1), event("a", 2))).events()).isEmpty();
    }

    @Test
    void leavesOlderSequencesToAStoreWithUniqueEventIdsAndDropsOnlyARepeatedIdWithinTheBatch() {
        UUID id = UUID.randomUUID();
        StepProgressUpdated recorded = event(id, "a", 2);

        IntakeBatch<Raw> batch = store().take(records(recorded, event("a", 1), recorded, event("a", 2)));

        assertThat(sequences(batch)).as("a#2 under another id is a conflict the store must see")
                .containsExactly("a#2@0", "a#1@1", "a#2@3");
        assertThat(dropped).containsExactly("t-0@2 a#2");
    }

    @Test
    void readsKafkaRecordsAndPlacesThemByTopicPartitionAndOffset() {
        StepProgressUpdated event = event("a", 1);
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("project-progress", 3, 42L, "a",
                EventJson.write(event).getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<String, byte[]> tombstone = new ConsumerRecord<>("project-progress", 3, 43L, "a", null);

        IntakeBatch<ConsumerRecord<String, byte[]>> batch = EventIntake.<String>kafka(
                Deduplication.afterApplied(p -> 0), listener).take(List.of(record, tombstone));

        assertThat(batch.events()).singleElement().satisfies(accepted -> {
            assertThat(accepted.record()).isSameAs(record);
            assertThat(accepted.event()).isEqualTo(event);
            assertThat(accepted.position()).hasToString("project-progress-3@42");
        });
        assertThat(unreadable).singleElement().asString().startsWith("project-progress-3@43 ");
    }
}
