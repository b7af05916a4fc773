package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchProjectsTest {

    private static final List<String> PLAN = List.of("clone", "provision-database", "install-dependencies",
            "deploy-preview");

    @Test
    void updatesWalkTheStepsUpwardThenChangeOnlyTheMessage() {
        assertThat(BenchProjects.update(0, PLAN)).isEqualTo(new BenchProjects.Update("clone", 1, "bench update 0"));
        assertThat(BenchProjects.update(99, PLAN).progress()).isEqualTo(100);
        assertThat(BenchProjects.update(100, PLAN)).isEqualTo(
                new BenchProjects.Update("provision-database", 1, "bench update 100"));
        assertThat(BenchProjects.update(399, PLAN)).isEqualTo(
                new BenchProjects.Update("deploy-preview", 100, "bench update 399"));
        assertThat(BenchProjects.update(12_345, PLAN)).isEqualTo(
                new BenchProjects.Update("deploy-preview", 100, "bench update 12345"));
    }

    @Test
    void progressNeverGoesDownOnAStepAndEveryUpdateDiffers() {
        BenchProjects.Update previous = null;
        int[] highest = new int[PLAN.size()];
        for (long n = 0; n < 1_000; n++) {
            BenchProjects.Update u = BenchProjects.update(n, PLAN);
            int step = PLAN.indexOf(u.step());
            assertThat(u.progress()).isBetween(1, 100).isGreaterThanOrEqualTo(highest[step]);
            highest[step] = u.progress();
            assertThat(u).isNotEqualTo(previous);
            previous = u;
        }
    }

    @Test
    void dueTimesAreFoundBySequenceUntilTheRingWrapsOverThem() {
        BenchProjects projects = new BenchProjects("bench", 3);
        projects.expect(1, 42, 1_000, 1_500);

        assertThat(projects.dueOf(1, 42)).isEqualTo(1_000);
        assertThat(projects.sentOf(1, 42)).isEqualTo(1_500);
        assertThat(projects.dueOf(0, 42)).isEqualTo(Long.MIN_VALUE);
        assertThat(projects.dueOf(1, 43)).isEqualTo(Long.MIN_VALUE);

        projects.expect(1, 42 + BenchProjects.RING, 2_000, 2_500);
        assertThat(projects.dueOf(1, 42)).isEqualTo(Long.MIN_VALUE);
        assertThat(projects.dueOf(1, 42 + BenchProjects.RING)).isEqualTo(2_000);
    }

    @Test
    void eachWorkerOwnsItsOwnProjects() {
        BenchProjects projects = new BenchProjects("bench", 10);

        assertThat(projects.ownedBy(0, 4)).extracting(BenchProjects.Project::id)
                .containsExactly("bench-0", "bench-4", "bench-8");
        assertThat(projects.ownedBy(3, 4)).extracting(BenchProjects.Project::id).containsExactly("bench-3", "bench-7");
    }

    @Test
    void overloadUpdatesProgressAndCompleteEachStepButTheLastWhichNeverCompletesDuringTheLoad() {
        List<String> plan = List.of("a", "b", "c");
        // steps a and b: 4 progress updates (25, 50, 75, 100) and a completion each; then c goes up and stays
        assertThat(BenchProjects.updateWithStatusChanges(0, plan, 4)).isEqualTo(
                new BenchProjects.Update(BenchProjects.Action.PROGRESS, "a", 25, "bench update 0"));
        assertThat(BenchProjects.updateWithStatusChanges(3, plan, 4).progress()).isEqualTo(100);
        assertThat(BenchProjects.updateWithStatusChanges(4, plan, 4).action()).isEqualTo(BenchProjects.Action.COMPLETE);
        assertThat(BenchProjects.updateWithStatusChanges(5, plan, 4).step()).isEqualTo("b");
        assertThat(BenchProjects.updateWithStatusChanges(9, plan, 4)).isEqualTo(
                new BenchProjects.Update(BenchProjects.Action.COMPLETE, "b", 100, "bench update 9"));
        assertThat(BenchProjects.updateWithStatusChanges(10, plan, 4)).isEqualTo(
                new BenchProjects.Update(BenchProjects.Action.PROGRESS, "c", 25, "bench update 10"));
        assertThat(BenchProjects.updateWithStatusChanges(5_000, plan, 4)).isEqualTo(
                new BenchProjects.Update(BenchProjects.Action.PROGRESS, "c", 100, "bench update 5000"));
    }

    @Test
    void theProgressPerStepFillsTheRunWithoutRepeatsAndNeverPassesOneHundred() {
        assertThat(BenchProjects.progressPerStep(400, 4)).isEqualTo(99);
        assertThat(BenchProjects.progressPerStep(44, 4)).isEqualTo(10);
        assertThat(BenchProjects.progressPerStep(10_000, 4)).isEqualTo(100);
        assertThat(BenchProjects.progressPerStep(3, 4)).isEqualTo(1);
        assertThat(BenchProjects.updatesPerRun(4)).isEqualTo(403);
    }

    @Test
    void aProjectRecordsTheSequencesOfAnswersThatChangedAStatusButNotOfProgressAlone() {
        java.time.Instant t = java.time.Instant.EPOCH;
        java.util.function.BiFunction<Long, io.stepprogress.event.StepStatus, io.stepprogress.event.InitializationView> view =
                (sequence, status) -> new io.stepprogress.event.InitializationView("bench-0",
                        io.stepprogress.event.InitializationStatus.RUNNING, sequence, "m", "a", sequence, t, t, null, null,
                        List.of(new io.stepprogress.event.StepView("a", "A", 1, status, (int) (long) sequence, "m", t, t)), 1);
        BenchProjects.Project project = new BenchProjects("bench", 1).get(0);

        project.started(view.apply(1L, io.stepprogress.event.StepStatus.PENDING));
        project.answered(view.apply(2L, io.stepprogress.event.StepStatus.RUNNING));
        project.answered(view.apply(3L, io.stepprogress.event.StepStatus.RUNNING));
        project.answered(view.apply(4L, io.stepprogress.event.StepStatus.COMPLETED));

        assertThat(project.statusChanges()).containsExactly(2, 4);
        assertThat(project.lastView.sequence()).isEqualTo(4);
    }
}
