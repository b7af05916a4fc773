package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RateScheduleTest {

    @Test
    void requestsAreDueAtFixedIntervalsFromTheStartWhateverHappened() {
        RateSchedule schedule = RateSchedule.of(1_000, 500, Duration.ofSeconds(2));

        assertThat(schedule.count()).isEqualTo(1_000);
        assertThat(schedule.dueNanos(0)).isEqualTo(1_000);
        assertThat(schedule.dueNanos(1)).isEqualTo(1_000 + 2_000_000);
        assertThat(schedule.dueNanos(999)).isEqualTo(1_000 + 999 * 2_000_000L);
        assertThat(schedule.endNanos()).isEqualTo(1_000 + 2_000_000_000L);
    }

    @Test
    void fractionalRatesKeepTheirAverage() {
        RateSchedule schedule = RateSchedule.of(0, 3, Duration.ofSeconds(10));

        assertThat(schedule.count()).isEqualTo(30);
        assertThat(schedule.dueNanos(1)).isEqualTo(333_333_333L);
        assertThat(schedule.dueNanos(29)).isEqualTo(9_666_666_667L);
    }

    @Test
    void workersShareEveryRequestExactlyOnceEachInOrder() {
        RateSchedule schedule = RateSchedule.of(0, 100, Duration.ofMillis(1_030)); // 103 requests
        int workers = 8;
        long[] all = new long[0];
        for (int w = 0; w < workers; w++) {
            long[] mine = schedule.indicesOf(w, workers);
            assertThat(mine).isSorted();
            for (long i : mine) {
                assertThat(i % workers).isEqualTo(w);
            }
            all = LongStream.concat(Arrays.stream(all), Arrays.stream(mine)).toArray();
        }
        Arrays.sort(all);
        assertThat(all).containsExactly(LongStream.range(0, 103).toArray());
    }

    @Test
    void moreWorkersThanRequestsLeavesSomeIdle() {
        RateSchedule schedule = RateSchedule.of(0, 2, Duration.ofSeconds(1));

        assertThat(schedule.indicesOf(0, 4)).containsExactly(0);
        assertThat(schedule.indicesOf(1, 4)).containsExactly(1);
        assertThat(schedule.indicesOf(3, 4)).isEmpty();
    }

    @Test
    void boundsRateDurationAndIndex() {
        assertThatThrownBy(() -> RateSchedule.of(0, 0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateSchedule.of(0, 50_000, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateSchedule.of(0, 10, Duration.ofHours(2))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateSchedule.of(0, 10, Duration.ofSeconds(1)).dueNanos(10))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void rampRatesMustIncrease() {
        assertThat(RateSchedule.parseRates("100, 200,400")).containsExactly(100.0, 200.0, 400.0);
        assertThatThrownBy(() -> RateSchedule.parseRates("200,100")).hasMessageContaining("increase");
        assertThatThrownBy(() -> RateSchedule.parseRates("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateSchedule.parseRates("fast")).hasMessageContaining("not a rate");
    }

    @Test
    void phasesFollowEachOtherEachAtItsOwnRate() {
        RateSchedule schedule = RateSchedule.phases(0, java.util.List.of(
                new RateSchedule.Phase(10, Duration.ofSeconds(1)), new RateSchedule.Phase(20, Duration.ofSeconds(2)),
                new RateSchedule.Phase(10, Duration.ofSeconds(1))));

        assertThat(schedule.count()).isEqualTo(10 + 40 + 10);
        assertThat(schedule.dueNanos(9)).isEqualTo(900_000_000L);
        assertThat(schedule.dueNanos(10)).isEqualTo(1_000_000_000L);
        assertThat(schedule.dueNanos(11)).isEqualTo(1_050_000_000L);
        assertThat(schedule.dueNanos(50)).isEqualTo(3_000_000_000L);
        assertThat(schedule.dueNanos(59)).isEqualTo(3_900_000_000L);
        assertThat(schedule.phaseStartNanos(2)).isEqualTo(3_000_000_000L);
        assertThat(schedule.endNanos()).isEqualTo(4_000_000_000L);
        assertThat(LongStream.range(0, schedule.count()).map(schedule::dueNanos).toArray()).isSorted();
    }
}
