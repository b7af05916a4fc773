package io.stepprogress.notifier.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepprogress.event.InitializationStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The shared history log: chains per project, wrap-around, growth within the budget, halving. */
class HistoryLogTest {

    private static final int RECORD = HistoryLog.HEADER + 10; // every payload below is 10 bytes
    private final AtomicLong total = new AtomicLong();

    @Test
    void aChainReadsBackEveryFieldOldestFirstAcrossTheWrap() {
        HistoryLog log = new HistoryLog(5 * RECORD + 7, 5 * RECORD + 7, total, added -> false);
        Instant at = Instant.parse("2026-11-30T06:00:00.123456789Z");
        long head = -1;
        for (int sequence = 1; sequence <= 12; sequence++) { // two and a half times round
            head = log.append(head, sequence, at.plusSeconds(sequence), InitializationStatus.RUNNING,
                    sequence % 4 == 0, payload(sequence));
        }

        List<StreamEvent> events = log.after("p", head, 3, Long.MAX_VALUE);

        assertThat(events).extracting(StreamEvent::sequence).containsExactly(10L, 11L, 12L);
        assertThat(events).extracting(StreamEvent::statusChange).containsExactly(false, false, true);
        assertThat(events).extracting(e -> new String(e.json(), StandardCharsets.UTF_8))
                .containsExactly("event-0010", "event-0011", "event-0012");
        assertThat(events.get(0).occurredAt()).isEqualTo(at.plusSeconds(10));
        assertThat(events.get(0).projectId()).isEqualTo("p");
        assertThat(events.get(0).kind()).isEqualTo(StreamEvent.Kind.PROGRESS);
        assertThat(events.get(0).status()).isEqualTo(InitializationStatus.RUNNING);
        assertThat(log.length(head, 100, Long.MAX_VALUE)).as("five whole records fit").isEqualTo(5);
        assertThat(log.after("p", head, 6, Long.MAX_VALUE)).as("the sixth newest was overwritten").isNull();
    }

    @Test
    void projectsInterleaveAndEachFollowsOnlyItsOwnChain() {
        HistoryLog log = new HistoryLog(1 << 12, 1 << 12, total, added -> false);
        long a = -1;
        long b = -1;
        for (int sequence = 1; sequence <= 5; sequence++) {
            a = log.append(a, sequence, Instant.EPOCH, InitializationStatus.RUNNING, false, payload(sequence));
            b = log.append(b, 100 + sequence, Instant.EPOCH, InitializationStatus.RUNNING, false, payload(sequence));
        }

        assertThat(log.after("a", a, 5, Long.MAX_VALUE)).extracting(StreamEvent::sequence)
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(log.after("b", b, 2, Long.MAX_VALUE)).extracting(StreamEvent::sequence)
                .containsExactly(104L, 105L);
        assertThat(log.after("a", a, 6, Long.MAX_VALUE)).as("the chain ends before the sixth").isNull();
    }

    @Test
    void theProjectsByteCapLimitsWhatIsReplayed() {
        HistoryLog log = new HistoryLog(1 << 12, 1 << 12, total, added -> false);
        long head = -1;
        for (int sequence = 1; sequence <= 5; sequence++) {
            head = log.append(head, sequence, Instant.EPOCH, InitializationStatus.RUNNING, false, payload(sequence));
        }

        assertThat(log.after("p", head, 2, 2 * RECORD)).hasSize(2);
        assertThat(log.after("p", head, 3, 2 * RECORD)).isNull();
        assertThat(log.length(head, 100, 2 * RECORD)).isEqualTo(2);
        assertThat(log.length(head, 4, Long.MAX_VALUE)).as("and the count cap").isEqualTo(4);
    }

    @Test
    void itGrowsInsteadOfOverwritingWhileTheBudgetHasRoomAndCountsItsCapacity() {
        long[] room = {4 * RECORD};
        HistoryLog log = new HistoryLog(2 * RECORD, 64 * RECORD, total, added -> added <= room[0]);
        assertThat(total.get()).isEqualTo(2 * RECORD);
        long head = -1;
        for (int sequence = 1; sequence <= 20; sequence++) {
            head = log.append(head, sequence, Instant.EPOCH, InitializationStatus.RUNNING, false, payload(sequence));
        }

        assertThat(log.capacity()).as("2 -> 4 -> 8 records; 16 would need more room").isEqualTo(8 * RECORD);
        assertThat(total.get()).isEqualTo(8 * RECORD);
        assertThat(log.after("p", head, 8, Long.MAX_VALUE)).extracting(StreamEvent::sequence)
                .containsExactly(13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
        assertThat(log.after("p", head, 9, Long.MAX_VALUE)).isNull();
    }

    @Test
    void aGrownLogDoesNotTakeBackWhatWasOverwrittenBeforeIt() {
        boolean[] room = {false};
        HistoryLog log = new HistoryLog(2 * RECORD, 8 * RECORD, total, added -> room[0]);
        long head = -1;
        for (int sequence = 1; sequence <= 5; sequence++) { // 1..3 overwritten
            head = log.append(head, sequence, Instant.EPOCH, InitializationStatus.RUNNING, false, payload(sequence));
        }
        room[0] = true;
        head = log.append(head, 6, Instant.EPOCH, InitializationStatus.RUNNING, false, payload(6));

        assertThat(log.capacity()).isEqualTo(4 * RECORD);
        assertThat(log.after("p", head, 3, Long.MAX_VALUE)).extracting(StreamEvent::sequence)
                .containsExactly(4L, 5L, 6L);
        assertThat(log.after("p", head, 4, Long.MAX_VALUE)).as("3 was gone before the log grew").isNull();
    }

    @Test
    void halvingKeepsTheNewestEventsDownToTheMinimum() {
        HistoryLog log = new HistoryLog(2 * RECORD, 8 * RECORD, total, added -> true);
        long head = -1;
        for (int sequence = 1; sequence <= 8; sequence++) {
            head = log.append(head, sequence, Instant.EPOCH, InitializationStatus.RUNNING, false, payload(sequence));
        }
        assertThat(log.capacity()).isEqualTo(8 * RECORD);

        assertThat(log.halve()).isTrue();
        assertThat(total.get()).isEqualTo(4 * RECORD);
        assertThat(log.after("p", head, 4, Long.MAX_VALUE)).extracting(StreamEvent::sequence)
                .containsExactly(5L, 6L, 7L, 8L);
        assertThat(log.after("p", head, 5, Long.MAX_VALUE)).isNull();
        assertThat(log.halve()).isTrue();
        assertThat(log.halve()).as("at its minimum").isFalse();
        assertThat(log.after("p", head, 2, Long.MAX_VALUE)).extracting(StreamEvent::sequence)
                .containsExactly(7L, 8L);
        head = log.append(head, 9, Instant.EPOCH, InitializationStatus.RUNNING, false, payload(9));
        assertThat(log.after("p", head, 2, Long.MAX_VALUE)).as("appends go on after a halving")
                .extracting(StreamEvent::sequence).containsExactly(8L, 9L);
    }

    @Test
    void anEventLargerThanTheLogCanBeIsNotKept() {
        HistoryLog log = new HistoryLog(2 * RECORD, 2 * RECORD, total, added -> true);

        assertThat(log.append(-1, 1, Instant.EPOCH, InitializationStatus.RUNNING, false, new byte[2 * RECORD]))
                .isEqualTo(-1);
        long head = log.append(-1, 2, null, InitializationStatus.COMPLETED, true, payload(2));
        assertThat(log.after("p", head, 1, Long.MAX_VALUE)).singleElement().satisfies(event -> {
            assertThat(event.occurredAt()).isNull();
            assertThat(event.status()).isEqualTo(InitializationStatus.COMPLETED);
        });
    }

    private static byte[] payload(int sequence) {
        return String.format("event-%04d", sequence).getBytes(StandardCharsets.UTF_8);
    }
}
