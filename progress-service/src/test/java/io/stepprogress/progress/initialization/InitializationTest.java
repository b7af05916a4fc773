package io.stepprogress.progress.initialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepprogress.event.ChangeKind;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InitializationTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(1);
    private static final Plan PLAN = Plan.of(List.of(
            new PlannedStep("clone", "Clone repository", 2),
            new PlannedStep("db", "Provision database", 3),
            new PlannedStep("deps", "Install dependencies", 5)));

    private final Initialization initialization = Initialization.start("p-1", PLAN, T0);

    @Test
    void startsPendingAtSequenceOneWithEveryStepPending() {
        InitializationView view = initialization.view();

        assertThat(view.status()).isEqualTo(InitializationStatus.PENDING);
        assertThat(view.sequence()).isEqualTo(1);
        assertThat(view.progress()).isZero();
        assertThat(view.currentStep()).isEqualTo("clone");
        assertThat(view.steps()).extracting(s -> s.status()).containsOnly(StepStatus.PENDING);
    }

    @Test
    void overallProgressIsWeightedByStep() {
        initialization.reportProgress("clone", 50, null, T1);   // 2 x 50
        initialization.reportProgress("deps", 10, null, T1);    // 5 x 10

        // (100 + 0 + 50) / 10 = 15
        assertThat(initialization.view().progress()).isEqualTo(15.0);
    }

    @Test
    void aCompletedStepCountsOneHundredWhateverItLastReported() {
        initialization.reportProgress("clone", 30, null, T1);
        initialization.complete("clone", null, T1);

        assertThat(initialization.view().progress()).isEqualTo(20.0);
        assertThat(initialization.view().steps().get(0).progress()).isEqualTo(100);
    }

    @Test
    void roundsToOneDecimal() {
        Initialization thirds = Initialization.start("p", Plan.of(List.of(new PlannedStep("a", "A", 1),
                new PlannedStep("b", "B", 1), new PlannedStep("c", "C", 1))), T0);
        thirds.reportProgress("a", 1, null, T1);

        assertThat(thirds.view().progress()).isEqualTo(0.3);
    }

    @Test
    void firstProgressStartsTheStepAndTheInitialization() {
        Change change = initialization.reportProgress("db", 0, "creating", T1).orElseThrow();

        assertThat(change.kind()).isEqualTo(ChangeKind.PROGRESSED);
        assertThat(change.step().status()).isEqualTo(StepStatus.RUNNING);
        assertThat(change.step().startedAt()).isEqualTo(T1);
        InitializationView view = initialization.view();
        assertThat(view.status()).isEqualTo(InitializationStatus.RUNNING);
        assertThat(view.currentStep()).isEqualTo("db");
        assertThat(view.message()).isEqualTo("creating");
        assertThat(view.sequence()).isEqualTo(2);
    }

    @Test
    void theSameProgressAgainIsANoOpWithoutANewSequence() {
        initialization.reportProgress("clone", 40, "fetching", T1);

        assertThat(initialization.reportProgress("clone", 40, "fetching", T1)).isEmpty();
        assertThat(initialization.reportProgress("clone", 40, null, T1)).isEmpty();
        assertThat(initialization.sequence()).isEqualTo(2);
    }

    @Test
    void aNewMessageAtTheSameProgressIsAChange() {
        initialization.reportProgress("clone", 40, "fetching", T1);

        assertThat(initialization.reportProgress("clone", 40, "resolving deltas", T1)).isPresent();
        assertThat(initialization.sequence()).isEqualTo(3);
    }

    @Test
    void progressNeverGoesDown() {
        initialization.reportProgress("clone", 40, null, T1);

        assertThatThrownBy(() -> initialization.reportProgress("clone", 39, null, T1))
                .isInstanceOf(TransitionRejectedException.class).hasMessageContaining("only goes up");
        assertThat(initialization.sequence()).isEqualTo(2);
    }

    @Test
    void unknownStepIsNotFound() {
        assertThatThrownBy(() -> initialization.reportProgress("nope", 1, null, T1))
                .isInstanceOf(InitializationNotFoundException.class).hasMessageContaining("'nope'");
    }

    @Test
    void completingEveryStepCompletesTheInitialization() {
        initialization.complete("clone", null, T1);
        initialization.complete("db", null, T1);
        Change last = initialization.complete("deps", "done", T1).orElseThrow();

        assertThat(last.kind()).isEqualTo(ChangeKind.COMPLETED);
        InitializationView view = initialization.view();
        assertThat(view.status()).isEqualTo(InitializationStatus.COMPLETED);
        assertThat(view.progress()).isEqualTo(100.0);
        assertThat(view.finishedAt()).isEqualTo(T1);
        assertThat(view.currentStep()).isNull();
        assertThat(view.sequence()).isEqualTo(4);
    }

    @Test
    void completingACompletedStepAgainIsANoOp() {
        initialization.complete("clone", null, T1);

        assertThat(initialization.complete("clone", "again", T1)).isEmpty();
        assertThat(initialization.sequence()).isEqualTo(2);
    }

    @Test
    void aCompletedStepTakesNoMoreProgress() {
        initialization.complete("clone", null, T1);

        assertThatThrownBy(() -> initialization.reportProgress("clone", 100, null, T1))
                .isInstanceOf(TransitionRejectedException.class).hasMessageContaining("completed");
    }

    @Test
    void failingAStepFailsTheInitializationWithItsReason() {
        initialization.reportProgress("db", 20, null, T1);
        Change change = initialization.fail("db", "quota exceeded", T1).orElseThrow();

        assertThat(change.step().status()).isEqualTo(StepStatus.FAILED);
        InitializationView view = initialization.view();
        assertThat(view.status()).isEqualTo(InitializationStatus.FAILED);
        assertThat(view.reason()).isEqualTo("quota exceeded");
        assertThat(view.currentStep()).isNull();
        assertThat(initialization.fail("db", "quota exceeded", T1)).isEmpty();
        assertThatThrownBy(() -> initialization.reportProgress("deps", 5, null, T1))
                .isInstanceOf(TransitionRejectedException.class).hasMessageContaining("failed");
        assertThatThrownBy(() -> initialization.fail("db", "another reason", T1))
                .isInstanceOf(TransitionRejectedException.class);
    }

    @Test
    void cancelIsAStateOfItsOwnAndIdempotent() {
        initialization.reportProgress("clone", 10, null, T1);
        Change change = initialization.cancel("user asked", T1).orElseThrow();

        assertThat(change.kind()).isEqualTo(ChangeKind.CANCELLED);
        assertThat(change.step()).isNull();
        assertThat(initialization.view().status()).isEqualTo(InitializationStatus.CANCELLED);
        assertThat(initialization.view().steps().get(0).status()).isEqualTo(StepStatus.RUNNING);
        assertThat(initialization.cancel("again", T1)).isEmpty();
        assertThatThrownBy(() -> initialization.complete("clone", null, T1))
                .isInstanceOf(TransitionRejectedException.class).hasMessageContaining("cancelled");
    }

    @Test
    void aFinishedInitializationCannotBeCancelled() {
        Initialization single = Initialization.start("p", Plan.of(List.of(new PlannedStep("a", "A", 1))), T0);
        single.complete("a", null, T1);

        assertThatThrownBy(() -> single.cancel(null, T1)).isInstanceOf(TransitionRejectedException.class);
    }

    @Test
    void theSamePlanInProgressIsIdempotentAndAnotherPlanConflicts() {
        initialization.reportProgress("clone", 10, null, T1);

        assertThat(initialization.startRun(PLAN, null, T1)).isEmpty();
        assertThat(initialization.startRun(PLAN, 1, T1)).isEmpty();
        Plan other = Plan.of(List.of(new PlannedStep("clone", "Clone repository", 1)));
        assertThatThrownBy(() -> initialization.startRun(other, null, T1))
                .isInstanceOf(TransitionRejectedException.class).hasMessageContaining("different plan");
    }

    @Test
    void aRepeatedStartNeverResetsAFinishedRun() {
        initialization.fail("clone", "network", T1);

        assertThat(initialization.startRun(PLAN, null, T1)).as("a late retry of the first start").isEmpty();
        assertThat(initialization.startRun(PLAN, 1, T1)).isEmpty();
        assertThat(initialization.view().status()).isEqualTo(InitializationStatus.FAILED);
        assertThat(initialization.view().sequence()).isEqualTo(2);
        Plan other = Plan.of(List.of(new PlannedStep("clone", "Clone repository", 1)));
        assertThatThrownBy(() -> initialization.startRun(other, null, T1))
                .isInstanceOf(TransitionRejectedException.class).hasMessageContaining("?run=2");
    }

    @Test
    void theNextRunStartsOnlyWhenNamedAndOnlyAfterTheCurrentOneFinished() {
        assertThatThrownBy(() -> initialization.startRun(PLAN, 2, T1))
                .isInstanceOf(TransitionRejectedException.class).hasMessageContaining("can start once it has finished");
        initialization.fail("clone", "network", T1);
        assertThatThrownBy(() -> initialization.startRun(PLAN, 3, T1))
                .isInstanceOf(TransitionRejectedException.class).hasMessageContaining("is at run 1");
        Plan other = Plan.of(List.of(new PlannedStep("clone", "Clone repository", 1)));

        Change change = initialization.startRun(other, 2, T1).orElseThrow();

        assertThat(change.kind()).isEqualTo(ChangeKind.INITIALIZED);
        InitializationView view = initialization.view();
        assertThat(view.run()).isEqualTo(2);
        assertThat(view.status()).isEqualTo(InitializationStatus.PENDING);
        assertThat(view.sequence()).as("sequences go on across runs").isEqualTo(3);
        assertThat(view.reason()).isNull();
        assertThat(view.steps()).hasSize(1);
        assertThat(initialization.startRun(other, 2, T1)).as("the same request again").isEmpty();
        assertThat(initialization.startRun(other, null, T1)).isEmpty();
        assertThat(initialization.view().sequence()).isEqualTo(3);
    }
}
