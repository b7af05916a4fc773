package io.stepprogress.progress.eta;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepprogress.event.Eta;
import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RemainingWorkTest {

    private static StepView step(String name, StepStatus status, int progress) {
        return new StepView(name, name, 1, status, progress, null, null, null);
    }

    private static final Map<String, StepDurations> HISTORY = Map.of(
            "clone", new StepDurations("clone", new double[]{10, 12, 8}),
            "build", new StepDurations("build", new double[]{60, 80, 40}),
            "deploy", new StepDurations("deploy", new double[]{20, 20, 20, 20}));

    private static Eta estimate(List<StepView> steps) {
        return RemainingWork.estimate(steps, HISTORY::get, 1.0);
    }

    @Test
    void aRunNotStartedHasEveryStepLeft() {
        Eta eta = estimate(List.of(step("clone", StepStatus.PENDING, 0), step("build", StepStatus.PENDING, 0),
                step("deploy", StepStatus.PENDING, 0)));

        // Past runs' totals: 90, 112, 68.
        assertThat(eta).isEqualTo(new Eta(90, 112, 3));
    }

    @Test
    void completedStepsCountNothingAndTheRunningOneOnlyWhatItsProgressLeaves() {
        Eta eta = estimate(List.of(step("clone", StepStatus.COMPLETED, 100), step("build", StepStatus.RUNNING, 75),
                step("deploy", StepStatus.PENDING, 0)));

        // A quarter of 60, 80, 40 plus 20 each: 35, 40, 30.
        assertThat(eta).isEqualTo(new Eta(35, 40, 3));
    }

    @Test
    void thePercentilesAreOfTheSumNotTheSumOfTheStepsPercentiles() {
        Map<String, StepDurations> history = Map.of(
                "a", new StepDurations("a", new double[]{10, 1, 1, 1, 1, 1, 1, 1, 1, 1}),
                "b", new StepDurations("b", new double[]{1, 1, 1, 1, 1, 1, 1, 1, 1, 10}));

        Eta eta = RemainingWork.estimate(List.of(step("a", StepStatus.PENDING, 0), step("b", StepStatus.PENDING, 0)),
                history::get, 1.0);

        // Each step's p90 is 5.5, but no past run took more than 11: eight took 2.
        assertThat(eta.p50()).isEqualTo(2);
        assertThat(eta.p90()).isEqualTo(11);
    }

    @Test
    void theBasisIsTheNumberOfRunsEveryRemainingStepHas() {
        Eta withDeploy = estimate(List.of(step("build", StepStatus.RUNNING, 50), step("deploy", StepStatus.PENDING, 0)));
        Eta deployOnly = estimate(List.of(step("deploy", StepStatus.RUNNING, 50)));

        assertThat(withDeploy.basis()).isEqualTo(3);
        assertThat(deployOnly).isEqualTo(new Eta(10, 10, 4));
    }

    @Test
    void aRemainingStepWithoutHistoryLeavesNoEstimate() {
        assertThat(estimate(List.of(step("clone", StepStatus.PENDING, 0), step("migrate", StepStatus.PENDING, 0))))
                .isNull();
    }

    @Test
    void aStepWithoutHistoryThatIsAlreadyCompletedDoesNotMatter() {
        assertThat(estimate(List.of(step("migrate", StepStatus.COMPLETED, 100), step("deploy", StepStatus.PENDING, 0))))
                .isEqualTo(new Eta(20, 20, 4));
    }

    @Test
    void nothingLeftOrAFailedStepLeavesNoEstimate() {
        assertThat(estimate(List.of(step("clone", StepStatus.COMPLETED, 100)))).isNull();
        assertThat(estimate(List.of(step("clone", StepStatus.FAILED, 30), step("deploy", StepStatus.PENDING, 0))))
                .isNull();
    }

    @Test
    void recentRunsWeighMoreWhenThereIsDecay() {
        List<StepView> build = List.of(step("build", StepStatus.PENDING, 0));

        assertThat(RemainingWork.estimate(build, HISTORY::get, 1.0).p50()).isEqualTo(60);
        assertThat(RemainingWork.estimate(build, HISTORY::get, 0.5).p50()).isGreaterThan(60);
    }

    @Test
    void secondsCarryOneDecimal() {
        assertThat(RemainingWork.tenths(83.44)).isEqualTo(83.4);
        assertThat(RemainingWork.tenths(83.45)).isEqualTo(83.5);
    }
}
