package io.stepprogress.progress.eta;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepSpansTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    private static StepView step(String name, StepStatus status, long startedAfter, long doneAfter) {
        return new StepView(name, name, 1, status, status == StepStatus.COMPLETED ? 100 : 50, null,
                T0.plusSeconds(startedAfter), T0.plusSeconds(doneAfter));
    }

    private static InitializationView run(InitializationStatus status, StepView... steps) {
        return new InitializationView("p", status, 100, null, null, 9, T0, T0.plusSeconds(60), T0.plusSeconds(60),
                null, List.of(steps));
    }

    @Test
    void eachStepIsChargedFromThePreviousCompletionIncludingTheWaitBeforeItStarted() {
        InitializationView completed = run(InitializationStatus.COMPLETED,
                step("clone", StepStatus.COMPLETED, 2, 10),   // 2 s before the worker's first report
                step("build", StepStatus.COMPLETED, 13, 40),  // 3 s between clone's completion and build's start
                step("deploy", StepStatus.COMPLETED, 40, 60));

        assertThat(StepSpans.of(completed)).containsExactly(
                java.util.Map.entry("clone", 10.0), java.util.Map.entry("build", 30.0),
                java.util.Map.entry("deploy", 20.0));
    }

    @Test
    void stepsRunSideBySideAreChargedInCompletionOrderAndAddUpToTheWallTime() {
        InitializationView completed = run(InitializationStatus.COMPLETED,
                step("a", StepStatus.COMPLETED, 0, 50),
                step("b", StepStatus.COMPLETED, 0, 20),
                step("c", StepStatus.COMPLETED, 50, 60));

        assertThat(StepSpans.of(completed)).containsExactly(java.util.Map.entry("b", 20.0),
                java.util.Map.entry("a", 30.0), java.util.Map.entry("c", 10.0));
    }

    @Test
    void aRunWithAStepNotCompletedTeachesNothing() {
        assertThat(StepSpans.of(run(InitializationStatus.CANCELLED, step("a", StepStatus.COMPLETED, 0, 10),
                step("b", StepStatus.RUNNING, 10, 20)))).isEmpty();
    }
}
