package io.stepprogress.alert.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepprogress.alert.support.TestRun;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.event.consume.Deduplication;
import io.stepprogress.event.consume.EventIntake;
import io.stepprogress.event.consume.IntakeBatch;
import io.stepprogress.event.consume.IntakeListener;
import io.stepprogress.event.consume.RecordPosition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class AlertStateTest {

    private static final Duration STALL_AFTER = Duration.ofMinutes(5);
    private static final Duration RETENTION = Duration.ofHours(1);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
    private final Recorded recorded = new Recorded();
    private final AlertState state = new AlertState(STALL_AFTER, RETENTION, 3, recorded, clock);

    @Test
    void aRunningInitializationStallsAfterStallAfterAndRecoversWhenItMoves() {
        TestRun run = TestRun.of("p", "a", "b").at(clock.instant());
        apply(run.start(), run.progress("a", 40));
        clock.advance(STALL_AFTER);
        state.evaluate();
        assertThat(state.stalled()).isZero(); // exactly stall-after is not yet "longer than"

        clock.advance(Duration.ofSeconds(1));
        state.evaluate();
        assertThat(state.stalled()).isEqualTo(1);
        assertThat(state.alerts(Optional.of(AlertType.STALLED))).singleElement().satisfies(alert -> {
            assertThat(alert.projectId()).isEqualTo(run.projectId());
            assertThat(alert.step()).isEqualTo("a");
            assertThat(alert.since()).isEqualTo(Instant.parse("2026-11-28T10:00:00Z"));
            assertThat(alert.message()).isEqualTo("no progress for more than 5m on step 'a' at 40% (last message: at 40%)");
        });

        apply(run.at(clock.instant()).progress("a", 50));
        assertThat(state.stalled()).isZero();
        assertThat(state.alerts(Optional.empty())).isEmpty();
    }

    @Test
    void pendingInitializationsAreActiveButNeverStalled() {
        TestRun run = TestRun.of("p", "a").at(clock.instant());
        apply(run.start());
        clock.advance(Duration.ofHours(2));
        state.evaluate();
        assertThat(state.active()).isEqualTo(1);
        assertThat(state.stalled()).isZero();
    }

    @Test
    void aFailureIsCountedListedForTheRetentionAndClearedByARestart() {
        TestRun run = TestRun.of("p", "a").at(clock.instant());
        apply(run.start(), run.progress("a", 10));
        clock.advance(Duration.ofMinutes(3));
        StepProgressUpdated fail = run.at(clock.instant()).fail("a", "disk full");
        apply(fail);

        assertThat(recorded.stepFailures).containsExactly("a");
        assertThat(recorded.finished).containsExactly(InitializationStatus.FAILED + " PT3M");
        assertThat(state.active()).isZero();
        assertThat(state.alerts(Optional.of(AlertType.FAILED))).singleElement().satisfies(alert -> {
            assertThat(alert.step()).isEqualTo("a");
            assertThat(alert.since()).isEqualTo(fail.occurredAt());
            assertThat(alert.message()).isEqualTo("step 'a' failed: disk full");
        });

        clock.advance(RETENTION.minusSeconds(1));
        state.evaluate();
        assertThat(state.alerts(Optional.of(AlertType.FAILED))).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        state.evaluate();
        assertThat(state.alerts(Optional.of(AlertType.FAILED))).isEmpty();

        TestRun other = TestRun.of("q", "a").at(clock.instant());
        apply(other.start(), other.fail("a", "boom"));
        assertThat(state.failedAlerts()).isEqualTo(1);
        apply(other.start()); // restart
        assertThat(state.failedAlerts()).isZero();
        assertThat(state.active()).isEqualTo(1);
    }

    @Test
    void duplicatesAndStaleEventsAreDroppedEvenAfterTheInitializationFinished() {
        TestRun run = TestRun.of("p", "a").at(clock.instant());
        StepProgressUpdated start = run.start();
        StepProgressUpdated progress = run.progress("a", 10);
        StepProgressUpdated done = run.complete("a");
        apply(start, progress, done);
        assertThat(state.apply(done, 0, true)).isEqualTo(AlertState.Outcome.DUPLICATE_OR_STALE);
        assertThat(state.apply(progress, 0, true)).isEqualTo(AlertState.Outcome.DUPLICATE_OR_STALE);
        assertThat(state.apply(start, 0, true)).isEqualTo(AlertState.Outcome.DUPLICATE_OR_STALE);

        assertThat(recorded.dropped).isEqualTo(3);
        assertThat(recorded.applied).isEqualTo(3);
        assertThat(recorded.finished).hasSize(1);
        assertThat(recorded.stepCompletions).containsExactly("a");
        assertThat(state.active()).isZero();
    }

    @Test
    void historyBuildsStateWithoutRecordingAnything() {
        TestRun stalled = TestRun.of("p", "a").at(clock.instant().minus(Duration.ofHours(1)));
        TestRun failedLongAgo = TestRun.of("q", "a").at(clock.instant().minus(Duration.ofHours(2)));
        TestRun failedRecently = TestRun.of("r", "a").at(clock.instant().minus(Duration.ofMinutes(10)));
        for (StepProgressUpdated e : List.of(stalled.start(), stalled.progress("a", 5), failedLongAgo.start(),
                failedLongAgo.fail("a", "old"), failedRecently.start(), failedRecently.fail("a", "recent"))) {
            state.apply(e, 1, false);
        }
        state.evaluate();

        assertThat(recorded.applied + recorded.dropped + recorded.lags).isZero();
        assertThat(recorded.finished).isEmpty();
        assertThat(recorded.stepFailures).isEmpty();
        assertThat(state.alerts(Optional.empty())).extracting(Alert::projectId)
                .containsExactly(stalled.projectId(), failedRecently.projectId());
    }

    @Test
    void revokedPartitionsAreForgotten() {
        TestRun one = TestRun.of("p", "a").at(clock.instant());
        TestRun two = TestRun.of("q", "a").at(clock.instant());
        state.apply(one.start(), 1, true);
        state.apply(one.progress("a", 1), 1, true);
        state.apply(two.start(), 2, true);
        state.apply(two.fail("a", "x"), 2, true);
        TestRun three = TestRun.of("r", "a").at(clock.instant());
        state.apply(three.start(), 2, true);

        state.revoke(Set.of(2));
        assertThat(state.active()).isEqualTo(1);
        assertThat(state.failedAlerts()).isZero();
    }

    @Test
    void onlyTheLastFinishedProjectsAreRemembered() {
        List<StepProgressUpdated> firstEvents = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TestRun run = TestRun.of("p" + i, "a").at(clock.instant());
            StepProgressUpdated start = run.start();
            firstEvents.add(start);
            apply(start, run.cancel("x"));
        }
        // 3 remembered: the oldest one's late duplicate is taken for new
        assertThat(state.apply(firstEvents.get(0), 0, true)).isEqualTo(AlertState.Outcome.APPLIED);
        assertThat(state.apply(firstEvents.get(3), 0, true)).isEqualTo(AlertState.Outcome.DUPLICATE_OR_STALE);
    }

    @Test
    void durationsAreWrittenShort() {
        assertThat(AlertState.human(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(AlertState.human(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(AlertState.human(Duration.ofSeconds(5400))).isEqualTo("1h30m");
        assertThat(AlertState.human(Duration.ofMillis(500))).isEqualTo("500ms");
    }

    @Test
    void aBatchTakenInThroughTheIntakeAppliesEachNewEventOnceInOrderAndDropsRepeatsAndStaleOnes() {
        TestRun run = TestRun.of("p", "a").at(clock.instant());
        StepProgressUpdated start = run.start();
        StepProgressUpdated ten = run.progress("a", 10);
        StepProgressUpdated twenty = run.progress("a", 20);
        apply(start);
        List<Long> dropped = new ArrayList<>();
        EventIntake<ConsumerRecord<String, byte[]>> intake = EventIntake.kafka(
                Deduplication.afterApplied(state::lastSequence), new IntakeListener() {
                    @Override
                    public void unreadable(RecordPosition position, String reason) {
                        throw new AssertionError(reason);
                    }

                    @Override
                    public void dropped(RecordPosition position, StepProgressUpdated event) {
                        dropped.add(event.sequence());
                    }
                });
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        for (StepProgressUpdated event : List.of(ten, start, ten, twenty, ten)) {
            batch.add(new ConsumerRecord<>("project-progress", 0, batch.size(), "p",
                    EventJson.write(event).getBytes(StandardCharsets.UTF_8)));
        }

        state.applyAll(intake.take(batch).events(), true, (accepted, e) -> {
            throw new AssertionError(e);
        });

        assertThat(recorded.applied).as("start before the batch, then 10 and 20").isEqualTo(3);
        assertThat(dropped).containsExactly(start.sequence(), ten.sequence(), ten.sequence());
        assertThat(state.lastSequence(run.projectId())).isEqualTo(twenty.sequence());
    }

    @Test
    void anEventThatCannotBeAppliedIsHandedBackAndTheRestOfItsBatchIsApplied() {
        TestRun one = TestRun.of("one", "a").at(clock.instant());
        TestRun two = TestRun.of("two", "a").at(clock.instant());
        StepProgressUpdated good = one.start();
        StepProgressUpdated holed = withoutStatus(two.start());
        StepProgressUpdated after = one.progress("a", 10);
        List<Long> failed = new ArrayList<>();

        state.applyAll(List.of(accepted(good, 0), accepted(holed, 1), accepted(after, 2)), true,
                (accepted, e) -> failed.add(accepted.position().offset()));

        assertThat(failed).containsExactly(1L);
        assertThat(recorded.applied).isEqualTo(2);
        assertThat(state.lastSequence(one.projectId())).isEqualTo(after.sequence());
        assertThat(state.lastSequence(two.projectId())).isZero();
    }

    private static IntakeBatch.Accepted<Object> accepted(StepProgressUpdated event, long offset) {
        return new IntakeBatch.Accepted<>(null, new RecordPosition("project-progress", 0, offset), event);
    }

    private static StepProgressUpdated withoutStatus(StepProgressUpdated event) {
        InitializationView v = event.initialization();
        return new StepProgressUpdated(event.eventId(), event.type(), event.projectId(), event.sequence(),
                event.occurredAt(), event.change(), event.step(), new InitializationView(v.projectId(), null,
                v.progress(), v.message(), v.currentStep(), v.sequence(), v.startedAt(), v.updatedAt(),
                v.finishedAt(), v.reason(), v.steps(), v.run()));
    }

    private void apply(StepProgressUpdated... events) {
        for (StepProgressUpdated event : events) {
            assertThat(state.apply(event, 0, true)).isEqualTo(AlertState.Outcome.APPLIED);
        }
    }

    static final class Recorded implements AlertState.Recorder {
        final List<String> finished = new ArrayList<>();
        final List<String> stepFailures = new ArrayList<>();
        final List<String> stepCompletions = new ArrayList<>();
        int applied;
        int dropped;
        int lags;

        @Override
        public void lag(Duration lag) {
            lags++;
        }

        @Override
        public void finished(InitializationStatus outcome, Duration duration) {
            finished.add(outcome + " " + duration);
        }

        @Override
        public void stepFailed(String step) {
            stepFailures.add(step);
        }

        @Override
        public void stepCompleted(String step, Duration duration) {
            stepCompletions.add(step);
        }

        @Override
        public void applied() {
            applied++;
        }

        @Override
        public void dropped() {
            dropped++;
        }
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
