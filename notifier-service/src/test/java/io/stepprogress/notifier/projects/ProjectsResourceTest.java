package io.stepprogress.notifier.projects;

import static io.stepprogress.notifier.support.Subscribers.given;
import static io.stepprogress.testkit.EventPublisher.publishAll;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.stepprogress.testkit.EventPublisher;
import io.stepprogress.testkit.Events;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The read path: served from the read model, which drops duplicates and stale events and skips poison. */
@QuarkusTest
class ProjectsResourceTest {

    @TestHTTPResource(value = "", management = true)
    URL management;

    @Test
    void servesTheLatestViewAndListsRecentProjectsByStatus() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Events.Run running = Events.plan("running-" + suffix, "a", "b");
        Events.Run failed = Events.plan("failed-" + suffix, "a");
        var runningStart = running.initialized();
        var runningProgress = running.progress("a", 60);
        // A duplicate and a stale event must not move the view backwards.
        publishAll(List.of(runningStart, runningProgress, runningStart, failed.initialized(),
                failed.fail("a", "out of disk"), runningProgress));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                .get("/api/projects/{p}/progress", failed.projectId()).then().statusCode(200)
                .body("status", equalTo("failed")).body("reason", equalTo("out of disk")));
        given().get("/api/projects/{p}/progress", running.projectId()).then().statusCode(200)
                .body("sequence", equalTo(2)).body("progress", equalTo(30.0f))
                .body("steps[0].status", equalTo("running"));

        given().queryParam("status", "failed").get("/api/projects").then().statusCode(200)
                .body("projectId", hasItem(failed.projectId()))
                .body("projectId", not(hasItem(running.projectId())))
                .body("status", everyItem(equalTo("failed")));
        given().queryParam("limit", 1).get("/api/projects").then().statusCode(200).body("$", hasSize(1));
    }

    /**
     * A held view is answered by {@link HeldViewRoute}, the project list by the JAX-RS resource: the same JSON
     * for the same view, and the headers the resource used to send.
     */
    @Test
    void aHeldViewIsTheSameJsonAndHeadersAsTheResourceAnswers() {
        Events.Run run = Events.plan("held-" + UUID.randomUUID().toString().substring(0, 8), "a", "b");
        publishAll(List.of(run.initialized(), run.progress("a", 40)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                .get("/api/projects/{p}/progress", run.projectId()).then().statusCode(200)
                .body("sequence", equalTo(2)));

        var held = given().get("/api/projects/{p}/progress", run.projectId()).then().statusCode(200)
                .header("Content-Type", "application/json;charset=UTF-8")
                .header("Cache-Control", "no-store")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", containsString("default-src 'self'"))
                .extract().jsonPath().<String, Object>getMap("$");
        List<Map<String, Object>> listed = given().queryParam("limit", 500).get("/api/projects").then()
                .statusCode(200).extract().jsonPath().getList("findAll { it.projectId == '" + run.projectId() + "' }");
        assertThat(listed).containsExactly(held);
    }

    @Test
    void aPoisonRecordIsSkippedAndTheNextEventsStillApply() {
        Events.Run run = Events.plan("after-poison-" + UUID.randomUUID().toString().substring(0, 8), "a");
        EventPublisher.publishRaw(run.projectId(), "{not json".getBytes(StandardCharsets.UTF_8), "poison");
        publishAll(List.of(run.initialized(), run.progress("a", 5)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                .get("/api/projects/{p}/progress", run.projectId()).then().statusCode(200)
                .body("sequence", equalTo(2)));
    }

    @Test
    void badParametersAndUnknownProjectsAreProblems() {
        given().get("/api/projects/{p}/progress", "never-seen-" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/projects/bad%20id/progress").then().statusCode(400).contentType("application/problem+json");
        given().queryParam("status", "sleeping").get("/api/projects").then().statusCode(400)
                .contentType("application/problem+json");
        given().queryParam("limit", 0).get("/api/projects").then().statusCode(400)
                .contentType("application/problem+json");
        given().queryParam("limit", "many").get("/api/projects").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void healthAndMetricsAreServedOnTheManagementInterface() {
        RestAssured.given().get(management + "health/ready").then().statusCode(200)
                .body("checks.name", hasItem("read-model-caught-up"));
        RestAssured.given().get(management + "metrics").then().statusCode(200);
    }
}
