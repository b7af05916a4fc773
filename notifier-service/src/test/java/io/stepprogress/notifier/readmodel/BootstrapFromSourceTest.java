package io.stepprogress.notifier.readmodel;

import static io.stepprogress.notifier.support.Subscribers.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.infra.Infrastructure;
import io.stepprogress.notifier.support.ProgressServiceStandIn;
import io.stepprogress.notifier.support.Subscribers;
import io.stepprogress.testkit.EventPublisher;
import io.stepprogress.testkit.Events;
import io.stepprogress.testkit.SseClient;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With a source configured, a starting notifier loads the current views from progress-service, tails the topic
 * from the end offsets it recorded before loading (nothing below them is replayed), and fetches the projects
 * it was not given when someone asks for them; progress-service's 404 is the only 404.
 */
@QuarkusTest
@TestProfile(BootstrapFromSourceTest.WithSource.class)
class BootstrapFromSourceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    static ProgressServiceStandIn source;
    /** Listed by the source at sequence 3; only its sequences 1 and 2 are in the topic before start. */
    static Events.Run listed;
    static StepProgressUpdated listedThird;
    /** In the topic before start only: a replay would serve it, a load from the source does not. */
    static Events.Run topicOnly;
    /** Known to the source, not in its listing (older): fetched on demand. */
    static Events.Run older;
    static Events.Run olderStreamed;

    @TestHTTPResource("/")
    URL base;

    @TestHTTPResource(value = "health/ready", management = true)
    URL readiness;

    @Test
    void loadsFromTheSourceTailsFromTheEndAndFetchesWhatItWasNotGiven() {
        await().atMost(WAIT).untilAsserted(() -> RestAssured.given().get(readiness).then().statusCode(200));
        // Paged with the operator token, in pages of notifier.source.page-size.
        assertThat(source.requests()).filteredOn(r -> r.startsWith("GET /api/projects?"))
                .containsSubsequence("GET /api/projects?limit=2", "GET /api/projects?limit=2&after=2");

        given().get("/api/projects/{p}/progress", listed.projectId()).then().statusCode(200)
                .body("sequence", equalTo(3)).body("steps[0].progress", equalTo(30));
        given().get("/api/projects/{p}/progress", topicOnly.projectId()).then().statusCode(404)
                .contentType("application/problem+json");

        // Tailing: the duplicate of what the source gave is dropped, the next sequence applied.
        StepProgressUpdated fourth = listed.progress("a", 40);
        EventPublisher.publishAll(List.of(listedThird, fourth, listedThird));
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/projects/{p}/progress", listed.projectId())
                .then().statusCode(200).body("sequence", equalTo(4)).body("steps[0].progress", equalTo(40)));

        // Not listed, known: fetched once, then served from memory.
        given().get("/api/projects/{p}/progress", older.projectId()).then().statusCode(200)
                .body("sequence", equalTo(2));
        source.forget(older.projectId());
        given().get("/api/projects/{p}/progress", older.projectId()).then().statusCode(200)
                .body("sequence", equalTo(2));
        assertThat(source.requests()).containsOnlyOnce("GET /api/projects/" + older.projectId() + "/progress");

        // A stream of a project not held starts with its snapshot at once, not when its next event comes.
        try (SseClient client = Subscribers.stream(URI.create(base + "api/projects/" + olderStreamed.projectId()
                + "/events"))) {
            await().atMost(WAIT).until(() -> !client.frames().isEmpty());
            assertThat(client.frames().get(0).event()).isEqualTo("snapshot");
            assertThat(client.frames().get(0).id()).isEqualTo("2");
        }

        // An id ahead of the source of truth itself was never issued (a reset database): no wait would meet it.
        try (SseClient client = Subscribers.stream(URI.create(base + "api/projects/" + listed.projectId()
                + "/events"), Map.of("Last-Event-ID", "999"))) {
            await().atMost(WAIT).until(() -> !client.frames().isEmpty());
            assertThat(client.frames().get(0).event()).isEqualTo("snapshot");
            assertThat(client.frames().get(0).data()).contains("\"resumed\":false");
            assertThat(client.frames().get(0).id()).isEqualTo("4");
        }

        given().get("/api/projects/{p}/progress", "unknown-" + UUID.randomUUID().toString().substring(0, 8))
                .then().statusCode(404).contentType("application/problem+json");
        String flaky = "flaky-" + UUID.randomUUID().toString().substring(0, 8);
        source.fail(flaky);
        given().get("/api/projects/{p}/progress", flaky).then().statusCode(503)
                .contentType("application/problem+json").header("Retry-After", notNullValue());
    }

    /**
     * A fetch answered after live events arrived must not jump a stream's subscriber over the events still on
     * their way (a skip no merge accounts for): they come from the topic, in order, and the answer is not kept. A
     * read fetched meanwhile says what the stream holds, so the next read cannot go back from it.
     */
    @Test
    void aFetchOvertakenByLiveEventsSkipsNoneOfThem() throws Exception {
        await().atMost(WAIT).untilAsserted(() -> RestAssured.given().get(readiness).then().statusCode(200));
        Events.Run run = Events.plan("boot-race-" + UUID.randomUUID().toString().substring(0, 8), "a");
        StepProgressUpdated first = run.initialized();
        List<StepProgressUpdated> onTheirWay = List.of(run.progress("a", 10), run.progress("a", 20),
                run.progress("a", 30));
        String fetch = "GET /api/projects/" + run.projectId() + "/progress";
        source.know(onTheirWay.get(2).initialization()); // progress-service holds sequence 4 already
        source.hold(run.projectId());
        try (SseClient client = Subscribers.stream(URI.create(base + "api/projects/" + run.projectId()
                + "/events"))) {
            // Not held: the stream and a read ask progress-service, whose answers wait while the first event
            // comes live.
            await().atMost(WAIT).until(() -> source.requests().contains(fetch));
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> given()
                    .get("/api/projects/{p}/progress", run.projectId()).then().statusCode(200)
                    .extract().path("sequence"));
            await().atMost(WAIT).until(() -> source.requests().stream().filter(fetch::equals).count() == 2);
            EventPublisher.publishAll(List.of(first));
            await().atMost(WAIT).until(() -> client.frames().stream().anyMatch(f -> "1".equals(f.id())));
            source.release(run.projectId());
            await().atMost(WAIT).until(() -> source.answered().stream().filter(fetch::equals).count() == 2);
            assertThat(read.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the read's sequence").isEqualTo(1);

            EventPublisher.publishAll(onTheirWay);
            await().atMost(WAIT).until(() -> client.frames().stream().anyMatch(f -> "4".equals(f.id())));
            assertThat(client.frames()).extracting(SseClient.SseFrame::event, SseClient.SseFrame::id).containsExactly(
                    tuple("snapshot", "1"), tuple("progress", "2"), tuple("progress", "3"), tuple("progress", "4"));
        }
    }

    public static class WithSource implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SourceAndEarlyEvents.class));
        }
    }

    public static class SourceAndEarlyEvents implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            String tag = UUID.randomUUID().toString().substring(0, 8);
            listed = Events.plan("boot-listed-" + tag, "a");
            StepProgressUpdated first = listed.initialized();
            StepProgressUpdated second = listed.progress("a", 20);
            listedThird = listed.progress("a", 30);
            topicOnly = Events.plan("boot-topic-" + tag, "a");
            StepProgressUpdated topicFirst = topicOnly.initialized();
            EventPublisher.publishAll(Infrastructure.shared().kafka().bootstrapServers(),
                    List.of(first, second, topicFirst));

            older = Events.plan("boot-older-" + tag, "a");
            older.initialized();
            olderStreamed = Events.plan("boot-streamed-" + tag, "a");
            olderStreamed.initialized();
            Events.Run filler = Events.plan("boot-filler-" + tag, "a");
            filler.initialized();
            source = new ProgressServiceStandIn()
                    .list(listedThird.initialization(), filler.progress("a", 5).initialization(),
                            filler.progress("a", 6).initialization())
                    .know(older.progress("a", 10).initialization())
                    .know(olderStreamed.progress("a", 10).initialization());
            return Map.of("notifier.source.url", source.url(), "notifier.source.token", ProgressServiceStandIn.TOKEN,
                    "notifier.source.page-size", "2");
        }

        @Override
        public void stop() {
            if (source != null) {
                source.close();
            }
        }
    }
}
