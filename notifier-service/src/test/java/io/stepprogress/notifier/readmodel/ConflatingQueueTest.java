package io.stepprogress.notifier.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepprogress.event.EventJson;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.testkit.Events;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What a subscriber that is behind is sent: the latest view, every status change, increasing ids. */
class ConflatingQueueTest {

    @Test
    void withoutMergingEveryEventStaysInOrder() {
        ConflatingQueue queue = new ConflatingQueue();
        List<StreamEvent> events = progressOf(Events.plan("p", "a"), 6);

        events.forEach(event -> assertThat(queue.add(event, false)).isZero());

        assertThat(drain(queue)).extracting(StreamEvent::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void behindItKeepsTheLatestProgressAndEveryStatusChangeWithIncreasingIds() {
        Events.Run run = Events.plan("p", "a", "b");
        List<StreamEvent> events = stream(run, List.of(
                run.initialized(),          // 1 status change
                run.progress("a", 10),      // 2 a starts
                run.progress("a", 20),      // 3
                run.progress("a", 30),      // 4
                run.complete("a"),          // 5 a completes
                run.progress("b", 10),      // 6 b starts
                run.progress("b", 20),      // 7
                run.progress("b", 30)));    // 8
        ConflatingQueue queue = new ConflatingQueue();

        int merged = events.stream().mapToInt(event -> queue.add(event, true)).sum();

        List<StreamEvent> sent = drain(queue);
        assertThat(sent).extracting(StreamEvent::sequence).containsExactly(1L, 2L, 5L, 6L, 8L);
        assertThat(merged).isEqualTo(3);
        assertThat(sent.get(sent.size() - 1).json()).as("the latest view").isEqualTo(events.get(7).json());
    }

    @Test
    void progressThatWaitedWhileTheSubscriberKeptUpIsMergedOnceItFallsBehind() {
        Events.Run run = Events.plan("p", "a");
        List<StreamEvent> events = stream(run, List.of(run.initialized(), run.progress("a", 1), run.progress("a", 2),
                run.progress("a", 3), run.progress("a", 4)));
        ConflatingQueue queue = new ConflatingQueue();
        for (int i = 0; i < 4; i++) {
            queue.add(events.get(i), false);
        }

        assertThat(queue.add(events.get(4), true)).isEqualTo(2);

        assertThat(drain(queue)).extracting(StreamEvent::sequence).containsExactly(1L, 2L, 5L);
    }

    @Test
    void aSnapshotIsNeverMergedAway() {
        Events.Run run = Events.plan("p", "a");
        List<StreamEvent> events = stream(run, List.of(run.initialized(), run.progress("a", 1), run.progress("a", 2),
                run.progress("a", 3)));
        ConflatingQueue afterSnapshot = new ConflatingQueue();
        afterSnapshot.add(StreamEvent.snapshot(lastView(events.get(1)), null), true);

        afterSnapshot.add(events.get(2), true);
        afterSnapshot.add(events.get(3), true);

        assertThat(drain(afterSnapshot)).extracting(StreamEvent::kind, StreamEvent::sequence).containsExactly(
                org.assertj.core.groups.Tuple.tuple(StreamEvent.Kind.SNAPSHOT, 2L),
                org.assertj.core.groups.Tuple.tuple(StreamEvent.Kind.PROGRESS, 4L));
    }

    @Test
    void theOverviewMergesPerProjectAndKeepsEveryOtherProjectsEvents() {
        Events.Run first = Events.plan("first", "a");
        Events.Run second = Events.plan("second", "a");
        List<StepProgressUpdated> published = List.of(first.initialized(), second.initialized(),
                first.progress("a", 1), first.progress("a", 2), second.progress("a", 1), first.progress("a", 3),
                second.progress("a", 2), first.progress("a", 4));
        ConflatingQueue queue = new ConflatingQueue();
        ProjectStream firstStream = ReadModels.stream("first", 10);
        ProjectStream secondStream = ReadModels.stream("second", 10);

        for (StepProgressUpdated event : published) {
            ProjectStream stream = event.projectId().equals("first") ? firstStream : secondStream;
            boolean statusChange = stream.accept(event, json(event), false, new Deliveries()).statusChange();
            queue.add(StreamEvent.project(event.initialization(), event.occurredAt(), statusChange), true);
        }

        assertThat(drain(queue)).extracting(e -> e.projectId() + "#" + e.sequence())
                .containsExactly("first#1", "second#1", "first#2", "second#2", "second#3", "first#5");
    }

    @Test
    void aSubscriberThatGotMergedEventsResumesAfterTheLastIdItWasSent() {
        Events.Run run = Events.plan("p", "a");
        ProjectStream stream = ReadModels.stream("p", 100);
        ConflatingQueue queue = new ConflatingQueue();
        ReadModels.RecordingSubscriber live = new ReadModels.RecordingSubscriber();
        stream.subscribe(live, OptionalLong.empty(), new Deliveries());
        for (StepProgressUpdated event : List.of(run.initialized(), run.progress("a", 1), run.progress("a", 2),
                run.progress("a", 3))) {
            stream.accept(event, json(event), false, new Deliveries());
        }
        live.events().forEach(event -> queue.add(event, true));
        List<StreamEvent> sent = drain(queue);
        long lastId = sent.get(sent.size() - 1).sequence();
        StepProgressUpdated fifth = run.progress("a", 4);
        stream.accept(fifth, json(fifth), false, new Deliveries());

        ReadModels.RecordingSubscriber resumed = new ReadModels.RecordingSubscriber();
        stream.subscribe(resumed, OptionalLong.of(lastId), new Deliveries());

        assertThat(sent).extracting(StreamEvent::sequence).containsExactly(1L, 2L, 4L);
        assertThat(resumed.events()).extracting(StreamEvent::kind, StreamEvent::sequence)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(StreamEvent.Kind.PROGRESS, 5L));
    }

    /** The events as a project stream makes them, status changes flagged. */
    private static List<StreamEvent> stream(Events.Run run, List<StepProgressUpdated> published) {
        ProjectStream stream = ReadModels.stream(run.projectId(), 100);
        ReadModels.RecordingSubscriber subscriber = new ReadModels.RecordingSubscriber();
        stream.subscribe(subscriber, OptionalLong.empty(), new Deliveries());
        List<StreamEvent> events = new ArrayList<>();
        for (StepProgressUpdated event : published) {
            boolean statusChange = stream.accept(event, json(event), false, new Deliveries()).statusChange();
            events.add(StreamEvent.progress(event, json(event), statusChange));
        }
        return events;
    }

    private static List<StreamEvent> progressOf(Events.Run run, int count) {
        List<StepProgressUpdated> published = new ArrayList<>();
        published.add(run.initialized());
        for (int p = 1; p < count; p++) {
            published.add(run.progress("a", p));
        }
        return stream(run, published);
    }

    private static io.stepprogress.event.InitializationView lastView(StreamEvent progress) {
        return EventJson.read(progress.json()).initialization();
    }

    private static List<StreamEvent> drain(ConflatingQueue queue) {
        List<StreamEvent> events = new ArrayList<>();
        StreamEvent event;
        while ((event = queue.poll()) != null) {
            events.add(event);
        }
        return events;
    }

    private static byte[] json(StepProgressUpdated event) {
        return EventJson.write(event).getBytes(StandardCharsets.UTF_8);
    }
}
