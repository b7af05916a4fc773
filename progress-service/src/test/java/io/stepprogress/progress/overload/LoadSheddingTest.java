package io.stepprogress.progress.overload;

import static io.stepprogress.progress.support.ProgressApi.asWorker;
import static io.stepprogress.progress.support.ProgressApi.complete;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With thresholds of zero, any relayed event is a backlog, so every progress update is shed: what a worker gets
 * then, and that nothing else is refused. (Which delay sheds what share is ShedPolicyTest's and
 * StandingDelayTest's; how it behaves under a real overload is the bench's {@code overload}.)
 */
@QuarkusTest
@TestProfile(LoadSheddingTest.ShedEverything.class)
class LoadSheddingTest {

    public static class ShedEverything implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("progress.overload.enabled", "true",
                    "progress.overload.relay-shed-above", "0ms", "progress.overload.relay-shed-all-above", "0ms",
                    "progress.overload.window-min-events", "1", "progress.overload.measured-within", "1h");
        }
    }

    @Inject
    MeterRegistry registry;

    @Test
    void aProgressUpdateIsRefusedWith503AndWritesNothingWhileStatusChangesAndReadsGoThrough() {
        String project = newProjectId("shed");
        start(project, plan("a", "b")).statusCode(201);
        awaitSheddingEveryUpdate();
        long sequence = view(project).extract().jsonPath().getLong("sequence");
        double shedBefore = registry.get("progress.overload.shed").counter().count();

        progress(project, "a", 40).statusCode(503).contentType("application/problem+json")
                .header("Retry-After", "1")
                .body("status", equalTo(503))
                .body("title", equalTo("Service unavailable"))
                .body("detail", containsString("progress updates are being shed; nothing was written"))
                .body("detail", not(containsString("Exception")));

        view(project).body("sequence", equalTo((int) sequence))
                .body("steps[0].status", equalTo("pending"))
                .body("steps[0].progress", equalTo(0));
        assertThat(registry.get("progress.overload.shed").counter().count()).isEqualTo(shedBefore + 1);

        complete(project, "a").statusCode(200).body("sequence", equalTo((int) sequence + 1))
                .body("steps[0].status", equalTo("completed"));
    }

    @Test
    void aRefusalComesBeforeTheTokenIsVerifiedAndTheBodyRead() {
        awaitSheddingEveryUpdate();
        io.restassured.RestAssured.given().contentType(ContentType.JSON).header("Authorization", "Bearer not-a-jwt")
                .body("not even json")
                .post("/api/projects/{p}/steps/{s}/progress", newProjectId("shed"), "a").then()
                .statusCode(503).contentType("application/problem+json");
    }

    @Test
    void aRequestWithoutATokenGetsIts401UnderLoadToo() {
        awaitSheddingEveryUpdate();
        double shedBefore = registry.get("progress.overload.shed").counter().count();

        io.restassured.RestAssured.given().contentType(ContentType.JSON).body("{\"progress\":40}")
                .post("/api/projects/{p}/steps/{s}/progress", newProjectId("shed"), "a").then()
                .statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"));
        assertThat(registry.get("progress.overload.shed").counter().count()).isEqualTo(shedBefore);
    }

    /** Events relayed in two windows make the first window's quickest event a backlog above zero. */
    private void awaitSheddingEveryUpdate() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(150)).untilAsserted(() -> {
            start(newProjectId("shed-load"), plan("x")).statusCode(201);
            assertThat(registry.get("progress.overload.shed.share").gauge().value()).isEqualTo(1.0);
        });
    }

    private static io.restassured.response.ValidatableResponse view(String project) {
        return asWorker().get("/api/projects/{p}/progress", project).then().statusCode(200);
    }
}
