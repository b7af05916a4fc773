package io.stepprogress.notifier.subscriber;

import static io.stepprogress.testkit.EventPublisher.publishAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.notifier.support.Http;
import io.stepprogress.testkit.Events;
import io.stepprogress.testkit.SseClient;
import io.stepprogress.testkit.SseClient.SseFrame;
import io.stepprogress.testkit.TestTokens;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two subscribers, of projects A and B, streaming at the same time while both projects change: neither sees a
 * single event, snapshot, overview entry or list entry of the other's project.
 */
@QuarkusTest
class SubscriberIsolationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URL base;

    @Test
    void subscribersOfTwoProjectsSeeOnlyTheirOwn() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Events.Run a = Events.plan("iso-a-" + suffix, "x", "y");
        Events.Run b = Events.plan("iso-b-" + suffix, "x", "y");
        // Both exist before anyone subscribes, so the first snapshots and lists could include the other.
        publishAll(List.of(a.initialized(), b.initialized()));
        String tokenA = TestTokens.subscriber(a.projectId());
        String tokenB = TestTokens.subscriber("iso-b-*");
        await().atMost(WAIT).until(() -> Http.get(uri("api/projects/" + b.projectId() + "/progress"),
                Http.bearer(tokenB)).statusCode() == 200);

        try (SseClient streamA = SseClient.connect(uri("api/projects/" + a.projectId() + "/events"), Http.bearer(tokenA));
             SseClient streamB = SseClient.connect(uri("api/projects/" + b.projectId() + "/events"), Http.cookie(tokenB));
             SseClient overviewA = SseClient.connect(uri("api/events"), Http.cookie(tokenA));
             SseClient overviewB = SseClient.connect(uri("api/events"), Http.bearer(tokenB))) {
            await().atMost(WAIT).until(() -> streamA.frames().size() == 1 && streamB.frames().size() == 1
                    && overviewA.frames().size() == 1 && overviewB.frames().size() == 1);

            List<StepProgressUpdated> interleaved = new ArrayList<>();
            for (int p = 10; p <= 50; p += 10) {
                interleaved.add(a.progress("x", p));
                interleaved.add(b.progress("x", p));
            }
            interleaved.add(b.complete("x"));
            interleaved.add(a.complete("x"));
            publishAll(interleaved);

            await().atMost(WAIT).until(() -> streamA.frames("progress").size() == 6
                    && streamB.frames("progress").size() == 6
                    && overviewA.frames("project").size() == 6 && overviewB.frames("project").size() == 6);

            assertOnly(a.projectId(), streamA, overviewA);
            assertOnly(b.projectId(), streamB, overviewB);
        }

        // The list too: each sees its own project, never the other's.
        JsonNode listA = JSON.readTree(Http.get(uri("api/projects?limit=500"), Http.bearer(tokenA)).body());
        assertThat(listA).extracting(v -> v.get("projectId").asText()).containsExactly(a.projectId());
        JsonNode listB = JSON.readTree(Http.get(uri("api/projects?limit=500"), Http.cookie(tokenB)).body());
        assertThat(listB).extracting(v -> v.get("projectId").asText()).containsExactly(b.projectId());
    }

    private static void assertOnly(String projectId, SseClient stream, SseClient overview) throws Exception {
        assertThat(projectsIn(stream.frames())).as("projects in the stream of " + projectId).containsExactly(projectId);
        assertThat(projectsIn(overview.frames())).as("projects in the overview of " + projectId)
                .containsExactly(projectId);
    }

    /** Every projectId any frame carries, whatever its shape (view, event, list of views). */
    private static Set<String> projectsIn(List<SseFrame> frames) throws Exception {
        Set<String> ids = new java.util.TreeSet<>();
        for (SseFrame frame : frames) {
            JSON.readTree(frame.data()).findValues("projectId").forEach(v -> ids.add(v.asText()));
        }
        return ids.stream().collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }
}
