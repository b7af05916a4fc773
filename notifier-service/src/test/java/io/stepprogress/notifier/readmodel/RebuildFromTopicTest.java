package io.stepprogress.notifier.readmodel;

import static io.stepprogress.notifier.support.Subscribers.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.infra.Infrastructure;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A notifier instance started after a project's events were published (a restart, or a new instance behind
 * the load balancer) serves correct snapshots: it rebuilds its read model from the topic.
 */
@QuarkusTest
@TestProfile(RebuildFromTopicTest.StartedAfterTheEvents.class)
class RebuildFromTopicTest {

    @TestHTTPResource("/")
    URL base;

    @TestHTTPResource(value = "health/ready", management = true)
    URL readiness;

    @ConfigProperty(name = "test.rebuild.project")
    String projectId;

    @Test
    void servesTheStateOfEventsPublishedBeforeItStarted() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                RestAssured.given().get(readiness).then().statusCode(200));
        given().get("/api/projects/{p}/progress", projectId).then().statusCode(200)
                .body("sequence", equalTo(4)).body("status", equalTo("running"))
                .body("steps[0].status", equalTo("completed")).body("steps[1].progress", equalTo(30));

        try (SseClient client = Subscribers.stream(URI.create(base + "api/projects/" + projectId + "/events"),
                Map.of("Last-Event-ID", "2"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> client.frames().size() == 2);
            assertThat(client.frames()).extracting(SseClient.SseFrame::id).containsExactly("3", "4");
        }
    }

    public static class StartedAfterTheEvents implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EventsPublishedBeforeStart.class));
        }
    }

    public static class EventsPublishedBeforeStart implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            Events.Run run = Events.plan("rebuild-" + UUID.randomUUID().toString().substring(0, 8), "a", "b");
            List<StepProgressUpdated> events = List.of(run.initialized(), run.progress("a", 50), run.complete("a"),
                    run.progress("b", 30));
            EventPublisher.publishAll(Infrastructure.shared().kafka().bootstrapServers(), events);
            return Map.of("test.rebuild.project", run.projectId());
        }

        @Override
        public void stop() {
        }
    }
}
