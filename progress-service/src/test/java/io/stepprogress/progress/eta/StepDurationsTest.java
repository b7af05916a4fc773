package io.stepprogress.progress.eta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StepDurationsTest {

    /** {@code recent} runs at {@code recentSeconds}, then {@code old} older runs at {@code oldSeconds}. */
    private static StepDurations changed(int recent, double recentSeconds, int old, double oldSeconds) {
        double[] seconds = new double[recent + old];
        Arrays.fill(seconds, 0, recent, recentSeconds);
        Arrays.fill(seconds, recent, recent + old, oldSeconds);
        return new StepDurations("build", seconds);
    }

    @Test
    void withoutDecayEveryRunCountsTheSame() {
        StepDurations durations = new StepDurations("build", new double[]{10, 20, 30, 40, 50});

        assertThat(durations.percentile(0.5, 1.0)).isEqualTo(30);
        assertThat(durations.percentile(0.9, 1.0)).isEqualTo(50);
    }

    @Test
    void aStepThatGotSlowerIsFollowedWithinAHandfulOfRuns() {
        // 40 runs at 10 s, then the step got slower: 20 s.
        assertThat(changed(3, 20, 40, 10).percentile(0.5, 0.9)).as("after 3 slower runs").isEqualTo(10);
        assertThat(changed(8, 20, 40, 10).percentile(0.5, 0.9)).as("after 8 slower runs").isEqualTo(20);
        assertThat(changed(8, 20, 40, 10).percentile(0.5, 1.0)).as("the same without decay").isEqualTo(10);
    }

    @Test
    void aRunsWeightHalvesAfterAboutSevenNewerRuns() {
        assertThat(StepDurations.weight(0.9, 0)).isEqualTo(1);
        assertThat(StepDurations.weight(0.9, 7)).isCloseTo(0.48, within(0.01));
    }
}
