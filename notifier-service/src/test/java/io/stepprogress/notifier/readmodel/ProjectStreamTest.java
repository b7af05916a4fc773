package io.stepprogress.notifier.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.testkit.Events;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One project's stream on its own: order, duplicates, resume, gaps, the end, status changes. */
class ProjectStreamTest {

    private final AtomicLong total = new AtomicLong();
    private final HistoryLog log = new HistoryLog(1 << 16, 1 << 16, new AtomicLong(), added -> false);
    private final ProjectStream stream = new ProjectStream("p", 5, 1 << 20, total, log);
    private final Events.Run run = Events.plan("p", "a", "b");

    @Test
    void aSubscriberGetsASnapshotThenEveryEventOnceInOrder() {
        accept(run.initialized());
        accept(run.progress("a", 10));
        ReadModels.RecordingSubscriber subscriber = subscribe(OptionalLong.empty());
        StepProgressUpdated third = run.progress("a", 20);
        StepProgressUpdated fourth = run.complete("a");

        accept(third);
        accept(third);
        accept(fourth);
        accept(third);

        assertThat(subscriber.events()).extracting(StreamEvent::kind, StreamEvent::sequence).containsExactly(
                org.assertj.core.groups.Tuple.tuple(StreamEvent.Kind.SNAPSHOT, 2L),
                org.assertj.core.groups.Tuple.tuple(StreamEvent.Kind.PROGRESS, 3L),
                org.assertj.core.groups.Tuple.tuple(StreamEvent.Kind.PROGRESS, 4L));
    }

    @Test
    void duplicatesAndStaleEventsAreDroppedAndSaidSo() {
        StepProgressUpdated first = run.initialized();
        StepProgressUpdated second = run.progress("a", 10);

        assertThat(accept(first).outcome()).isEqualTo(ProjectStream.Outcome.APPLIED);
        assertThat(accept(second).outcome()).isEqualTo(ProjectStream.Outcome.APPLIED);
        assertThat(accept(second).outcome()).isEqualTo(ProjectStream.Outcome.DUPLICATE_OR_STALE);
        assertThat(accept(first).outcome()).isEqualTo(ProjectStream.Outcome.DUPLICATE_OR_STALE);
        assertThat(stream.view().sequence()).isEqualTo(2);
    }

    @Test
    void aSubscriberWaitingForTheFirstEventGetsItAsASnapshot() {
        ReadModels.RecordingSubscriber subscriber = subscribe(OptionalLong.empty());
        assertThat(subscriber.events()).isEmpty();

        accept(run.initialized());

        assertThat(subscriber.events()).singleElement().extracting(StreamEvent::kind)
                .isEqualTo(StreamEvent.Kind.SNAPSHOT);
    }

    @Test
    void aResumeWithinTheHistoryReplaysExactlyTheMissedEventsAndNoSnapshot() {
        accept(run.initialized());
        for (int p = 1; p <= 4; p++) {
            accept(run.progress("a", p * 10));
        }

        ReadModels.RecordingSubscriber resumed = subscribe(OptionalLong.of(2));

        assertThat(resumed.events()).extracting(StreamEvent::kind).containsOnly(StreamEvent.Kind.PROGRESS);
        assertThat(resumed.events()).extracting(StreamEvent::sequence).containsExactly(3L, 4L, 5L);
        assertThat(subscribe(OptionalLong.of(5)).events()).as("caught up: nothing to replay").isEmpty();
    }

    @Test
    void aResumeFromBeforeTheHistoryGetsASnapshotMarkedNotResumed() {
        accept(run.initialized());
        for (int p = 1; p <= 10; p++) {
            accept(run.progress("a", p));
        }

        ReadModels.RecordingSubscriber tooOld = subscribe(OptionalLong.of(2));

        assertThat(stream.historyLength()).isEqualTo(5);
        assertThat(tooOld.events()).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(StreamEvent.Kind.SNAPSHOT);
            assertThat(event.sequence()).isEqualTo(11);
            assertThat(json(event)).contains("\"resumed\":false");
        });
    }

    @Test
    void afterAGapTheHistoryRestartsSoNoReplaySkipsASequence() {
        accept(run.initialized());
        accept(run.progress("a", 10));
        run.progress("a", 20); // sequence 3 never arrives
        StepProgressUpdated fourth = run.progress("a", 30);

        assertThat(accept(fourth).outcome()).isEqualTo(ProjectStream.Outcome.APPLIED_AFTER_GAP);

        assertThat(stream.historyLength()).isEqualTo(1);
        assertThat(subscribe(OptionalLong.of(1)).events()).singleElement().extracting(StreamEvent::kind)
                .isEqualTo(StreamEvent.Kind.SNAPSHOT);
        assertThat(subscribe(OptionalLong.of(3)).events()).extracting(StreamEvent::sequence).containsExactly(4L);
    }

    @Test
    void aSubscriberCaughtUpWithAFinishedRunGetsOnlyTheEnd() {
        accept(run.initialized());
        accept(run.complete("a"));
        accept(run.complete("b"));

        ReadModels.RecordingSubscriber caughtUp = subscribe(OptionalLong.of(3));
        ReadModels.RecordingSubscriber fresh = subscribe(OptionalLong.empty());

        assertThat(caughtUp.events()).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(StreamEvent.Kind.END);
            assertThat(event.endsProjectStream()).isTrue();
        });
        assertThat(fresh.events()).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(StreamEvent.Kind.SNAPSHOT);
            assertThat(event.endsProjectStream()).isTrue();
        });
    }

    @Test
    void onlyProgressWithinRunningStepsIsNotAStatusChange() {
        assertThat(accept(run.initialized()).statusChange()).as("initialized").isTrue();
        assertThat(accept(run.progress("a", 10)).statusChange()).as("a starts").isTrue();
        assertThat(accept(run.progress("a", 20)).statusChange()).as("a moves").isFalse();
        assertThat(accept(run.progress("a", 30)).statusChange()).as("a moves").isFalse();
        assertThat(accept(run.complete("a")).statusChange()).as("a completes").isTrue();
        assertThat(accept(run.progress("b", 5)).statusChange()).as("b starts").isTrue();
        assertThat(accept(run.progress("b", 6)).statusChange()).as("b moves").isFalse();
        assertThat(accept(run.fail("b", "broken")).statusChange()).as("b fails, the run ends").isTrue();
    }

    @Test
    void theEventAfterAGapCountsAsAStatusChangeSinceWhatChangedIsUnknown() {
        accept(run.initialized());
        accept(run.progress("a", 10));
        run.progress("a", 20);

        assertThat(accept(run.progress("a", 30)).statusChange()).isTrue();
    }

    @Test
    void anEvictedStreamTakesNoEventAndNoSubscriber() {
        accept(run.initialized());
        assertThat(stream.evictIfIdle(java.time.Instant.now().plusSeconds(60))).isTrue();

        assertThat(accept(run.progress("a", 1)).outcome()).isEqualTo(ProjectStream.Outcome.EVICTED);
        assertThat(stream.subscribe(new ReadModels.RecordingSubscriber(), OptionalLong.empty(), new Deliveries()))
                .isEqualTo(ProjectStream.EVICTED_STREAM);
        assertThat(total.get()).as("its bytes left the total").isEqualTo(-ProjectStream.STREAM_OVERHEAD);
    }

    @Test
    void aFetchOvertakenByLiveEventsIsNotKeptSoNoSubscriberSkipsThem() {
        ReadModels.RecordingSubscriber subscriber = subscribe(OptionalLong.empty());
        long askedAt = stream.lastSequence(); // 0: nothing held, so the stream's view is fetched
        StepProgressUpdated first = run.initialized();
        List<StepProgressUpdated> onTheirWay = List.of(run.progress("a", 10), run.progress("a", 20));
        accept(first); // live, while progress-service answers the fetch

        assertThat(seed(onTheirWay.get(1).initialization(), askedAt)).isEqualTo(ProjectStream.Outcome.OVERTAKEN);
        onTheirWay.forEach(this::accept);

        assertThat(subscriber.events()).extracting(StreamEvent::kind, StreamEvent::sequence).containsExactly(
                org.assertj.core.groups.Tuple.tuple(StreamEvent.Kind.SNAPSHOT, 1L),
                org.assertj.core.groups.Tuple.tuple(StreamEvent.Kind.PROGRESS, 2L),
                org.assertj.core.groups.Tuple.tuple(StreamEvent.Kind.PROGRESS, 3L));
        assertThat(stream.historyLength()).as("the history a resume replays is whole").isEqualTo(3);
    }

    @Test
    void aFetchNothingOvertookReachesSubscribersAsASnapshot() {
        accept(run.initialized());
        ReadModels.RecordingSubscriber subscriber = subscribe(OptionalLong.empty());
        long askedAt = stream.lastSequence();
        run.progress("a", 10); // committed, not yet relayed: the topic is behind

        assertThat(seed(run.progress("a", 20).initialization(), askedAt)).isEqualTo(ProjectStream.Outcome.APPLIED);

        assertThat(subscriber.events()).extracting(StreamEvent::kind, StreamEvent::sequence).containsExactly(
                org.assertj.core.groups.Tuple.tuple(StreamEvent.Kind.SNAPSHOT, 1L),
                org.assertj.core.groups.Tuple.tuple(StreamEvent.Kind.SNAPSHOT, 3L));
        assertThat(accept(run.progress("a", 30)).outcome()).isEqualTo(ProjectStream.Outcome.APPLIED);
    }

    private ProjectStream.Outcome seed(InitializationView view, long heldWhenAsked) {
        Deliveries out = new Deliveries();
        ProjectStream.Outcome outcome = stream.seed(view, heldWhenAsked, out);
        out.flush();
        return outcome;
    }

    private ProjectStream.Applied accept(StepProgressUpdated event) {
        Deliveries out = new Deliveries();
        ProjectStream.Applied applied = stream.accept(event, EventJson.write(event).getBytes(StandardCharsets.UTF_8),
                false, out);
        out.flush();
        return applied;
    }

    private ReadModels.RecordingSubscriber subscribe(OptionalLong lastEventId) {
        ReadModels.RecordingSubscriber subscriber = new ReadModels.RecordingSubscriber();
        Deliveries out = new Deliveries();
        assertThat(stream.subscribe(subscriber, lastEventId, out)).isEqualTo(stream.lastSequence());
        out.flush();
        return subscriber;
    }

    private static String json(StreamEvent event) {
        return new String(event.json(), StandardCharsets.UTF_8);
    }
}
