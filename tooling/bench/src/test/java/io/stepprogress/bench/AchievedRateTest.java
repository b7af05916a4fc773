package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class AchievedRateTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void afterAnAbortTheAnswersAreDividedByTheTimeActuallyRunNotByTheWholeSchedule() {
        // The after-issue-6 steady run: measured from 10 s, a schedule to 130 s, aborted with the last answer
        // at 75 s, 6,500 answers since 10 s: about 100/s, not 6,500 / 120 s = 54/s.
        double achieved = WriteLoad.Stats.achievedPerSecond(6_500, 10 * SECOND, 130 * SECOND, 75 * SECOND, true);

        assertThat(achieved).isCloseTo(100.0, offset(0.01));
    }

    @Test
    void aRunThatKeptUpIsDividedByItsScheduleAndALateOneByItsLastAnswer() {
        assertThat(WriteLoad.Stats.achievedPerSecond(60_000, 10 * SECOND, 130 * SECOND, 129 * SECOND, false))
                .isCloseTo(500.0, offset(0.01));
        // Behind schedule but never aborted: every answer counts, over the time until the last one.
        assertThat(WriteLoad.Stats.achievedPerSecond(60_000, 10 * SECOND, 130 * SECOND, 174 * SECOND, false))
                .isCloseTo(365.85, offset(0.01));
    }

    @Test
    void anAbortBeforeTheMeasuredWindowAchievedNothing() {
        assertThat(WriteLoad.Stats.achievedPerSecond(0, 10 * SECOND, 130 * SECOND, 5 * SECOND, true)).isZero();
    }
}
