package io.stepprogress.progress.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StandingDelayTest {

    private static final long MS = 1_000_000;
    private static final Duration VALID = Duration.ofSeconds(1);
    private final StandingDelay delay = new StandingDelay(Duration.ofMillis(100), 3, VALID);

    @Test
    void nothingRecordedYetIsNoDelay() {
        assertThat(delay.current(0)).isZero();
    }

    @Test
    void theStandingDelayIsTheQuickestOfTheLastCompleteWindow() {
        long t = 1_000 * MS;
        delay.record(400 * MS, t);
        delay.record(250 * MS, t + 30 * MS);
        delay.record(600 * MS, t + 60 * MS);
        assertThat(delay.current(t + 60 * MS)).isEqualTo(0); // the first window is not complete yet
        delay.record(5 * MS, t + 100 * MS);                       // opens the next one
        assertThat(delay.current(t + 100 * MS)).isEqualTo(250 * MS);
    }

    @Test
    void oneSlowSampleAmongQuickOnesIsNoStandingDelay() {
        long t = 1_000 * MS;
        delay.record(3 * MS, t);
        delay.record(900 * MS, t + 10 * MS);
        delay.record(4 * MS, t + 20 * MS);
        delay.record(2 * MS, t + 120 * MS);
        assertThat(delay.current(t + 120 * MS)).isEqualTo(3 * MS);
    }

    @Test
    void aWindowWithTooFewSamplesIsALightLoadNotAQueue() {
        long t = 1_000 * MS;
        delay.record(700 * MS, t);
        delay.record(800 * MS, t + 50 * MS);
        delay.record(900 * MS, t + 150 * MS);
        assertThat(delay.current(t + 150 * MS)).isEqualTo(0);
    }

    @Test
    void nothingRecordedForLongerThanTheValidityIsNoDelaySoKafkaBeingDownShedsNothing() {
        long t = 1_000 * MS;
        for (int i = 0; i < 4; i++) {
            delay.record(2_000 * MS, t + i * 40 * MS);
        }
        long last = t + 120 * MS;
        assertThat(delay.current(last)).isEqualTo(2_000 * MS);
        assertThat(delay.current(last + VALID.toNanos())).isEqualTo(2_000 * MS);
        assertThat(delay.current(last + VALID.toNanos() + 1)).isZero();
    }

    @Test
    void aWindowOfZeroOrNoSamplesIsRefused() {
        assertThatThrownBy(() -> new StandingDelay(Duration.ZERO, 1, VALID)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StandingDelay(Duration.ofMillis(100), 0, VALID))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
