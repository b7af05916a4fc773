package io.stepprogress.notifier.readmodel;

import static io.stepprogress.notifier.readmodel.ReadModels.apply;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.testkit.Events;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The read model stays within {@code notifier.memory.budget} whatever it is fed, and chooses what to forget:
 * unwatched projects whose run is over or abandoned first, watched ones never (only their history, or at the
 * very last their view).
 */
class MemoryBudgetTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void oneHundredThousandProjectsStayWithinTheBudget() {
        long budget = 4L << 20;
        ProjectReadModel model = ReadModels.create("4M", "256K", 20, 1_000_000, Duration.ofMinutes(30), registry,
                Clock.systemUTC());
        long most = 0;
        Events.Run last = null;
        for (int i = 0; i < 100_000; i++) {
            Events.Run run = Events.plan("budget-" + i, "a", "b");
            apply(model, run.initialized());
            apply(model, run.progress("a", 50));
            apply(model, run.complete("a"));
            most = Math.max(most, model.bytesHeld());
            if (i % 3 != 0) {
                // Two in three runs finish; the others are left running, as if their worker had just died.
                apply(model, run.complete("b"));
                most = Math.max(most, model.bytesHeld());
            }
            last = run;
        }

        assertThat(most).as("accounted bytes, at their highest").isLessThanOrEqualTo(budget);
        assertThat(model.bytesHeld()).as("the total kept as streams changed").isEqualTo(recount(model));
        assertThat(model.projectsHeld()).isBetween(100, 99_000);
        assertThat(evicted("idle") + evicted("active")).isEqualTo(100_000 - model.projectsHeld());
        assertThat(model.view(last.projectId())).map(InitializationView::sequence).contains(3L);
        assertThat(registry.get("notifier.memory.bytes").gauge().value()).isEqualTo(model.bytesHeld());
    }

    @Test
    void aRunWhoseWorkerDiedIsForgottenBeforeALiveOneUpdatedEarlier() {
        ProjectReadModel model = ReadModels.create("64K", "256K", 20, 1_000_000, Duration.ofMinutes(30), registry,
                Clock.systemUTC());
        Events.Run live = Events.plan("live", "a", "b");
        apply(model, live.initialized());
        apply(model, live.progress("a", 10));
        // Replayed from the topic after the live one: its last update is two hours old.
        Events.Run dead = Events.plan("dead", "a", "b");
        apply(model, updatedAt(dead.initialized(), Instant.now().minus(Duration.ofHours(2))));
        apply(model, updatedAt(dead.progress("a", 10), Instant.now().minus(Duration.ofHours(2))));

        fillWithFinishedRuns(model, "finished-", 100);

        assertThat(model.view("dead")).isEmpty();
        assertThat(model.view("live")).map(InitializationView::sequence).contains(2L);
        assertThat(evicted("active")).isZero();
    }

    @Test
    void aWatchedProjectLosesItsHistoryBeforeAnyUnwatchedRunningOneIsForgottenAndKeepsItsSubscriber() {
        ProjectReadModel model = ReadModels.create("64K", "256K", 20, 1_000_000, Duration.ofMinutes(30), registry,
                Clock.systemUTC());
        Events.Run watched = Events.plan("watched", "a", "b");
        ReadModels.RecordingSubscriber subscriber = new ReadModels.RecordingSubscriber();
        model.subscribe("watched", subscriber, OptionalLong.empty());
        apply(model, watched.initialized());
        for (int p = 1; p <= 10; p++) {
            apply(model, watched.progress("a", p));
        }

        for (int i = 0; i < 200; i++) {
            Events.Run running = Events.plan("running-" + i, "a", "b");
            apply(model, running.initialized());
            apply(model, running.progress("a", 1));
        }

        assertThat(registry.get("notifier.history.trimmed").counter().count()).isPositive();
        assertThat(evicted("active")).isPositive();
        assertThat(model.attached("watched", subscriber)).isTrue();
        assertThat(model.view("watched")).map(InitializationView::sequence).contains(11L);
        ReadModels.RecordingSubscriber resuming = new ReadModels.RecordingSubscriber();
        model.subscribe("watched", resuming, OptionalLong.of(5));
        assertThat(resuming.events()).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(StreamEvent.Kind.SNAPSHOT);
            assertThat(json(event)).contains("\"resumed\":false");
        });
        apply(model, watched.progress("a", 50));
        assertThat(subscriber.lastSequence()).isEqualTo(12);
        assertThat(model.bytesHeld()).isLessThanOrEqualTo(64 << 10).isEqualTo(recount(model));
    }

    @Test
    void overTheBudgetWithWatchedProjectsOnlyTheirViewsGoAndTheirSubscribersGetTheNextEventAsASnapshot() {
        ProjectReadModel model = ReadModels.create("16K", "256K", 20, 1_000_000, Duration.ofMinutes(30), registry,
                Clock.systemUTC());
        ReadModels.RecordingSubscriber first = new ReadModels.RecordingSubscriber();
        Events.Run firstRun = Events.plan("first", "a");
        model.subscribe("first", first, OptionalLong.empty());
        apply(model, firstRun.initialized());
        for (int i = 0; i < 20; i++) {
            Events.Run run = Events.plan("watched-" + i, "a", "b", "c", "d");
            model.subscribe(run.projectId(), new ReadModels.RecordingSubscriber(), OptionalLong.empty());
            apply(model, run.initialized());
        }

        assertThat(model.bytesHeld()).isLessThanOrEqualTo(16 << 10);
        assertThat(model.view("first")).isEmpty();
        assertThat(evicted("watched")).isPositive();
        assertThat(model.attached("first", first)).isTrue();
        apply(model, firstRun.progress("a", 10));
        assertThat(first.events()).last().satisfies(event -> {
            assertThat(event.sequence()).isEqualTo(2);
            assertThat(event.kind()).isEqualTo(StreamEvent.Kind.SNAPSHOT);
        });
    }

    @Test
    void aProjectsHistoryIsCappedInBytes() {
        ProjectReadModel model = ReadModels.create("64M", "4K", 1000, 1_000_000, Duration.ofMinutes(30), registry,
                Clock.systemUTC());
        Events.Run run = Events.plan("long", "a", "b", "c");
        apply(model, run.initialized());
        StepProgressUpdated latest = null;
        for (int p = 1; p < 100; p++) {
            latest = run.progress("a", p);
            apply(model, latest);
        }

        long view = EventJson.write(latest).length();
        assertThat(model.bytesHeld()).as("the view, the overhead and the shared log: the cap limits what is replayed")
                .isEqualTo(ProjectStream.STREAM_OVERHEAD + view + model.historyLogBytes()).isEqualTo(recount(model));
        ReadModels.RecordingSubscriber recent = new ReadModels.RecordingSubscriber();
        model.subscribe("long", recent, OptionalLong.of(98));
        assertThat(recent.events()).extracting(StreamEvent::sequence).containsExactly(99L, 100L);
        ReadModels.RecordingSubscriber old = new ReadModels.RecordingSubscriber();
        model.subscribe("long", old, OptionalLong.of(10));
        assertThat(old.events()).singleElement().satisfies(event ->
                assertThat(json(event)).contains("\"resumed\":false"));
    }

    private static String json(StreamEvent event) {
        return new String(event.json(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private void fillWithFinishedRuns(ProjectReadModel model, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            Events.Run run = Events.plan(prefix + i, "a");
            apply(model, run.initialized());
            apply(model, run.complete("a"));
        }
    }

    private double evicted(String state) {
        return registry.get("notifier.projects.evicted").tag("state", state).counter().count();
    }

    static long recount(ProjectReadModel model) {
        return model.streams().mapToLong(ProjectStream::bytes).sum() + model.historyLogBytes();
    }

    static StepProgressUpdated updatedAt(StepProgressUpdated event, Instant at) {
        InitializationView v = event.initialization();
        InitializationView moved = new InitializationView(v.projectId(), v.status(), v.progress(), v.message(),
                v.currentStep(), v.sequence(), v.startedAt(), at, v.finishedAt(), v.reason(), v.steps(), v.run());
        return new StepProgressUpdated(event.eventId(), event.type(), event.projectId(), event.sequence(), at,
                event.change(), event.step(), moved);
    }
}
