package io.stepprogress.notifier.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.testkit.Events;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** A poll's records applied in one pass: every event delivered in order, each subscriber flushed once. */
class BatchApplyTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void aBatchReachesEverySubscriberInOrderWithOneFlushEach() {
        ProjectReadModel model = model(Clock.systemUTC());
        Events.Run first = Events.plan("first", "a");
        Events.Run second = Events.plan("second", "a");
        ReadModels.RecordingSubscriber firstWatcher = subscribe(model, "first");
        ReadModels.RecordingSubscriber secondWatcher = subscribe(model, "second");
        ReadModels.RecordingSubscriber overview = new ReadModels.RecordingSubscriber();
        model.subscribeOverview(overview, projectId -> true, 10);
        List<StepProgressUpdated> batch = List.of(first.initialized(), second.initialized(), first.progress("a", 1),
                first.progress("a", 2), second.progress("a", 1));
        int flushesBefore = overview.flushes();

        model.apply(published(batch));

        assertThat(firstWatcher.events()).extracting(StreamEvent::sequence).containsExactly(1L, 2L, 3L);
        assertThat(secondWatcher.events()).extracting(StreamEvent::sequence).containsExactly(1L, 2L);
        assertThat(overview.events()).filteredOn(e -> e.kind() == StreamEvent.Kind.PROJECT).hasSize(5);
        assertThat(firstWatcher.flushes()).isEqualTo(1);
        assertThat(secondWatcher.flushes()).isEqualTo(1);
        assertThat(overview.flushes() - flushesBefore).isEqualTo(1);
        assertThat(firstWatcher.late()).containsOnly(false);
    }

    @Test
    void eventsOlderThanLateAfterWhenAppliedAreDeliveredAsLate() {
        Events.Run run = Events.plan("p", "a");
        StepProgressUpdated initialized = run.initialized();
        StepProgressUpdated progressed = run.progress("a", 1);
        // The notifier applies them two seconds after they happened (late-after is 1 s here).
        ProjectReadModel model = model(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(2)));
        ReadModels.RecordingSubscriber watcher = subscribe(model, "p");

        model.apply(published(List.of(initialized, progressed)));

        assertThat(watcher.late()).containsExactly(true, true);
    }

    @Test
    void aResumeIsNeverDeliveredAsLate() {
        Events.Run run = Events.plan("p", "a");
        List<StepProgressUpdated> events = List.of(run.initialized(), run.progress("a", 1), run.progress("a", 2));
        ProjectReadModel model = model(Clock.offset(Clock.systemUTC(), Duration.ofHours(1)));
        model.apply(published(events));

        ReadModels.RecordingSubscriber resumed = new ReadModels.RecordingSubscriber();
        model.subscribe("p", resumed, OptionalLong.of(1));

        assertThat(resumed.events()).extracting(StreamEvent::sequence).containsExactly(2L, 3L);
        assertThat(resumed.late()).containsOnly(false);
        assertThat(resumed.flushes()).isEqualTo(1);
    }

    private ProjectReadModel model(Clock clock) {
        return ReadModels.create("64M", "256K", 20, 1_000, Duration.ofMinutes(30), registry, clock);
    }

    private static ReadModels.RecordingSubscriber subscribe(ProjectReadModel model, String projectId) {
        ReadModels.RecordingSubscriber subscriber = new ReadModels.RecordingSubscriber();
        model.subscribe(projectId, subscriber, OptionalLong.empty());
        return subscriber;
    }

    private static List<ProjectReadModel.Published> published(List<StepProgressUpdated> events) {
        List<ProjectReadModel.Published> published = new ArrayList<>();
        for (StepProgressUpdated event : events) {
            published.add(new ProjectReadModel.Published(event,
                    EventJson.write(event).getBytes(StandardCharsets.UTF_8)));
        }
        return published;
    }
}
