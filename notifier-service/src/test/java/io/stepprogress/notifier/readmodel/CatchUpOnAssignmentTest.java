package io.stepprogress.notifier.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stepprogress.notifier.NotifierConfig;
import io.stepprogress.notifier.support.NotifierConfigs;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Readiness when the read model is replayed from the topic (no source configured). */
class CatchUpOnAssignmentTest {

    private static final TopicPartition EMPTIED = new TopicPartition("project-progress", 0);
    private static final TopicPartition HOLDING = new TopicPartition("project-progress", 1);
    private static final TopicPartition NEVER_WRITTEN = new TopicPartition("project-progress", 2);

    private final CatchUpOnAssignment catchUp = catchUp();

    @Test
    void aPartitionThatRetentionEmptiedHasNothingToWaitFor() {
        assign(Map.of(EMPTIED, 500L), Map.of(EMPTIED, 500L));

        assertThat(catchUp.caughtUp()).isTrue();
        assertThat(catchUp.lagByPartition()).doesNotContainKey(0);
    }

    @Test
    void caughtUpOnceTheLastRecordBeforeTheEndAtAssignmentIsConsumed() {
        assign(Map.of(EMPTIED, 500L, HOLDING, 40L, NEVER_WRITTEN, 0L),
                Map.of(EMPTIED, 500L, HOLDING, 43L, NEVER_WRITTEN, 0L));
        assertThat(catchUp.caughtUp()).isFalse();

        catchUp.consumed(1, 41);
        assertThat(catchUp.caughtUp()).isFalse();
        assertThat(catchUp.lagByPartition()).containsEntry(1, 1L);

        catchUp.consumed(1, 42);
        assertThat(catchUp.caughtUp()).isTrue();
    }

    @Test
    void notCaughtUpBeforeAnyAssignment() {
        assertThat(catchUp.caughtUp()).isFalse();
    }

    /**
     * After a broker outage the partitions come back: the instance must read on from where it stopped, not
     * jump (every open stream would skip the events in between) and not replay everything.
     */
    @Test
    void aPartitionAssignedAgainIsReadOnFromWhereThisInstanceStopped() {
        assign(Map.of(HOLDING, 0L), Map.of(HOLDING, 10L));
        for (long offset = 0; offset < 10; offset++) {
            catchUp.consumed(1, offset);
        }
        assertThat(catchUp.caughtUp()).isTrue();
        catchUp.onPartitionsRevoked(null, List.of(HOLDING));

        MockConsumer<String, byte[]> again = assign(Map.of(HOLDING, 0L), Map.of(HOLDING, 25L));

        assertThat(again.position(HOLDING)).isEqualTo(10L);
        assertThat(catchUp.caughtUp()).as("the events written while it was away are still to read").isFalse();
        for (long offset = 10; offset < 25; offset++) {
            catchUp.consumed(1, offset);
        }
        assertThat(catchUp.caughtUp()).isTrue();
    }

    private MockConsumer<String, byte[]> assign(Map<TopicPartition, Long> beginnings, Map<TopicPartition, Long> ends) {
        MockConsumer<String, byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        consumer.assign(List.copyOf(ends.keySet()));
        consumer.updateBeginningOffsets(beginnings);
        consumer.updateEndOffsets(ends);
        catchUp.onPartitionsAssigned(consumer, ends.keySet());
        return consumer;
    }

    private static CatchUpOnAssignment catchUp() {
        NotifierConfig notifier = NotifierConfigs.defaults();
        return new CatchUpOnAssignment(new ProgressSource(notifier), new ProjectReadModel(notifier, new SimpleMeterRegistry()),
                notifier);
    }
}
