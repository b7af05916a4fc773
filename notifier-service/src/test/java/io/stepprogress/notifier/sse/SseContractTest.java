package io.stepprogress.notifier.sse;

import static io.stepprogress.testkit.EventPublisher.publish;
import static io.stepprogress.testkit.EventPublisher.publishAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.notifier.support.Subscribers;
import io.stepprogress.testkit.Events;
import io.stepprogress.testkit.SseClient;
import io.stepprogress.testkit.SseClient.SseFrame;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The SSE contract against a real Kafka topic, as an authorized subscriber: snapshot, ordered events, resume, end, keep-alive. */
@QuarkusTest
class SseContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URL base;

    @Test
    void snapshotThenEveryEventOnceInOrderThenEnd() throws Exception {
        Events.Run run = Events.plan(id("contract"), "a", "b");
        StepProgressUpdated initialized = run.initialized();
        StepProgressUpdated first = run.progress("a", 10);
        publishAll(List.of(initialized, first));
        await().atMost(WAIT).until(() -> sequenceOf(run.projectId()) == 2);

        try (SseClient client = Subscribers.stream(events(run.projectId()))) {
            await().atMost(WAIT).until(() -> client.frames().size() == 1);
            assertThat(client.status()).isEqualTo(200);
            assertThat(client.contentType()).startsWith("text/event-stream");
            SseFrame snapshot = client.frames().get(0);
            assertThat(snapshot.event()).isEqualTo("snapshot");
            assertThat(snapshot.id()).isEqualTo("2");
            assertThat(JSON.readTree(snapshot.data()).get("steps").get(0).get("progress").asInt()).isEqualTo(10);
            assertThat(JSON.readTree(snapshot.data()).has("resumed")).isFalse();

            StepProgressUpdated second = run.progress("a", 50);
            StepProgressUpdated third = run.complete("a");
            // Kafka may deliver twice, and a stale event may come late: neither reaches the browser again.
            publishAll(List.of(second, second, first, third, second));
            StepProgressUpdated fourth = run.complete("b");
            publish(fourth);

            await().atMost(WAIT).until(client::ended);
            List<SseFrame> progress = client.frames("progress");
            assertThat(progress).extracting(SseFrame::id).containsExactly("3", "4", "5");
            assertThat(JSON.readTree(progress.get(2).data()).get("initialization").get("status").asText())
                    .isEqualTo("completed");
            assertThat(client.frames()).last().extracting(SseFrame::event).isEqualTo("end");
            JsonNode end = JSON.readTree(client.frames().get(client.frames().size() - 1).data());
            assertThat(end.get("status").asText()).isEqualTo("completed");
            assertThat(end.get("sequence").asLong()).isEqualTo(5);
        }
    }

    @Test
    void anUnknownProjectKeepsTheStreamOpenUntilItsFirstEvent() {
        Events.Run run = Events.plan(id("later"), "a");
        try (SseClient client = Subscribers.stream(events(run.projectId()))) {
            await().atMost(WAIT).until(() -> client.status() == 200);

            publish(run.initialized());

            await().atMost(WAIT).until(() -> client.frames().size() == 1);
            assertThat(client.frames().get(0).event()).isEqualTo("snapshot");
            assertThat(client.frames().get(0).id()).isEqualTo("1");
            assertThat(client.ended()).isFalse();
        }
    }

    @Test
    void resumingAfterLastEventIdReplaysExactlyTheMissedEventsAndNoSnapshot() {
        Events.Run run = Events.plan(id("resume"), "a");
        publish(run.initialized());
        String lastSeen;
        try (SseClient client = Subscribers.stream(events(run.projectId()))) {
            // Subscribed (its snapshot is there) before the next event, so that it arrives as its own frame.
            await().atMost(WAIT).until(() -> client.frames().size() == 1);
            publish(run.progress("a", 1));
            await().atMost(WAIT).until(() -> client.frames().size() >= 2);
            lastSeen = client.frames().get(client.frames().size() - 1).id();
        }
        assertThat(lastSeen).isEqualTo("2");

        List<StepProgressUpdated> missed = new ArrayList<>();
        IntStream.rangeClosed(2, 6).forEach(p -> missed.add(run.progress("a", p * 10)));
        publishAll(missed);
        await().atMost(WAIT).until(() -> sequenceOf(run.projectId()) == 7);

        try (SseClient header = Subscribers.stream(events(run.projectId()), Map.of("Last-Event-ID", lastSeen));
             SseClient query = Subscribers.stream(URI.create(events(run.projectId()) + "?lastEventId=" + lastSeen))) {
            await().atMost(WAIT).until(() -> header.frames().size() == 5 && query.frames().size() == 5);
            for (SseClient client : List.of(header, query)) {
                assertThat(client.frames()).extracting(SseFrame::event).containsOnly("progress");
                assertThat(client.frames()).extracting(SseFrame::id).containsExactly("3", "4", "5", "6", "7");
            }
            publish(run.progress("a", 90));
            await().atMost(WAIT).until(() -> header.frames().size() == 6);
            assertThat(header.frames().get(5).id()).isEqualTo("8");
        }
    }

    @Test
    void anIdOlderThanTheHistoryGivesASnapshotMarkedNotResumed() throws Exception {
        Events.Run run = Events.plan(id("old"), "a");
        publish(run.initialized());
        // The test profile keeps 20 events per project: 30 more push sequence 1 out of the history.
        IntStream.rangeClosed(1, 30).forEach(p -> publish(run.progress("a", p)));
        await().atMost(WAIT).until(() -> sequenceOf(run.projectId()) == 31);

        try (SseClient client = Subscribers.stream(events(run.projectId()), Map.of("Last-Event-ID", "1"))) {
            await().atMost(WAIT).until(() -> client.frames().size() == 1);
            SseFrame snapshot = client.frames().get(0);
            assertThat(snapshot.event()).isEqualTo("snapshot");
            assertThat(snapshot.id()).isEqualTo("31");
            assertThat(JSON.readTree(snapshot.data()).get("resumed").asBoolean(true)).isFalse();
        }
    }

    @Test
    void aGarbageIdGivesASnapshotNotAnError() throws Exception {
        // An id ahead of what the instance holds is not garbage: see aClientTheInstanceCannotCatchUpWith...
        Events.Run run = Events.plan(id("garbage"), "a");
        publish(run.initialized());
        await().atMost(WAIT).until(() -> sequenceOf(run.projectId()) == 1);

        for (String garbage : List.of("not-a-number", "-3")) {
            try (SseClient client = Subscribers.stream(events(run.projectId()), Map.of("Last-Event-ID", garbage))) {
                await().atMost(WAIT).until(() -> client.frames().size() == 1);
                assertThat(client.status()).isEqualTo(200);
                assertThat(client.frames().get(0).event()).isEqualTo("snapshot");
                assertThat(JSON.readTree(client.frames().get(0).data()).get("resumed").asBoolean(true)).isFalse();
            }
        }
    }

    @Test
    void aClientCaughtUpWithAFinishedRunGetsOnlyTheEnd() {
        Events.Run run = Events.plan(id("done"), "a");
        publishAll(List.of(run.initialized(), run.complete("a")));
        await().atMost(WAIT).until(() -> sequenceOf(run.projectId()) == 2);

        try (SseClient fresh = Subscribers.stream(events(run.projectId()));
             SseClient caughtUp = Subscribers.stream(events(run.projectId()), Map.of("Last-Event-ID", "2"))) {
            await().atMost(WAIT).until(() -> fresh.ended() && caughtUp.ended());
            assertThat(fresh.frames()).extracting(SseFrame::event).containsExactly("snapshot", "end");
            assertThat(caughtUp.frames()).extracting(SseFrame::event).containsExactly("end");
        }
    }

    @Test
    void keepAliveCommentsFlowOnAQuietStream() {
        try (SseClient client = Subscribers.stream(events(id("quiet")))) {
            // The test profile sends one every 300 ms; "connected" is the first comment.
            await().atMost(WAIT).until(() -> client.comments() >= 3);
        }
    }

    @Test
    void aBadProjectIdIsAProblem() {
        try (SseClient client = Subscribers.stream(URI.create(base + "api/projects/bad%20id/events"))) {
            await().atMost(WAIT).until(client::ended);
            assertThat(client.status()).isEqualTo(400);
            assertThat(client.contentType()).isEqualTo("application/problem+json");
        }
    }

    @Test
    void aClientAheadOfThisInstanceIsSentNothingOlderThanWhatItHas() {
        // The client saw sequence 4 elsewhere (another instance, or this one before a restart); this instance
        // holds 2 so far. An older snapshot would move its bars backwards: it waits for what comes after 4.
        Events.Run run = Events.plan(id("ahead"), "a");
        StepProgressUpdated initialized = run.initialized();
        StepProgressUpdated second = run.progress("a", 20);
        publishAll(List.of(initialized, second));
        await().atMost(WAIT).until(() -> sequenceOf(run.projectId()) == 2);

        try (SseClient client = Subscribers.stream(events(run.projectId()), Map.of("Last-Event-ID", "4"))) {
            await().atMost(WAIT).until(() -> client.status() == 200);
            StepProgressUpdated third = run.progress("a", 30);
            StepProgressUpdated fourth = run.progress("a", 40);
            StepProgressUpdated fifth = run.progress("a", 50);
            publishAll(List.of(third, fourth, fifth));

            await().atMost(WAIT).until(() -> !client.frames().isEmpty());
            assertThat(client.frames()).extracting(SseFrame::event, SseFrame::id)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("progress", "5"));
        }
    }

    @Test
    void aClientTheInstanceCannotCatchUpWithIsEndedToReconnectNotSentAnOlderState() {
        Events.Run run = Events.plan(id("never"), "a");
        publish(run.initialized());
        await().atMost(WAIT).until(() -> sequenceOf(run.projectId()) == 1);

        try (SseClient client = Subscribers.stream(events(run.projectId()), Map.of("Last-Event-ID", "9"))) {
            // notifier.catch-up-wait later, the stream ends with nothing sent; the browser reconnects with id 9.
            await().atMost(WAIT).until(client::ended);
            assertThat(client.status()).isEqualTo(200);
            assertThat(client.frames()).isEmpty();
        }
    }

    private URI events(String projectId) {
        return URI.create(base + "api/projects/" + projectId + "/events");
    }

    private long sequenceOf(String projectId) {
        var response = Subscribers.given().get("/api/projects/{p}/progress", projectId);
        return response.statusCode() == 200 ? response.jsonPath().getLong("sequence") : 0;
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
