package io.stepprogress.progress.initialization;

import static io.stepprogress.progress.support.ProgressApi.asWorker;
import static io.stepprogress.progress.support.ProgressApi.complete;
import static io.stepprogress.progress.support.ProgressApi.management;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.stepprogress.event.ChangeKind;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationView;
import io.stepprogress.progress.support.ProgressTopicTail;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class InitializationApiTest {

    private final ProgressTopicTail tail = ProgressTopicTail.shared();

    @Test
    void putWithoutBodyStartsTheConfiguredDefaultPlan() {
        String project = newProjectId("default");

        asWorker().put("/api/projects/{p}/initialization", project).then()
                .statusCode(201)
                .header("Location", endsWith("/api/projects/" + project + "/progress"))
                .body("projectId", equalTo(project))
                .body("status", equalTo("pending"))
                .body("sequence", equalTo(1))
                .body("progress", equalTo(0.0f))
                .body("currentStep", equalTo("clone"))
                .body("steps", hasSize(4))
                .body("steps.name", equalTo(java.util.List.of("clone", "provision-database", "install-dependencies",
                        "deploy-preview")))
                .body("steps.weight", equalTo(java.util.List.of(2, 3, 4, 1)));
    }

    @Test
    void theSamePlanAgainIs200AndADifferentOneIs409() {
        String project = newProjectId("replan");
        start(project, plan("a", "b")).statusCode(201);

        start(project, plan("a", "b")).statusCode(200).body("sequence", equalTo(1));
        start(project, plan("a", "c")).statusCode(409).contentType("application/problem+json")
                .body("title", equalTo("Conflicting plan"));
    }

    @Test
    void aWholeRunReportsWeightedProgressAndEndsCompleted() {
        String project = newProjectId("run");
        start(project, java.util.List.of(Map.of("name", "clone", "label", "Clone", "weight", 1),
                Map.of("name", "deploy", "label", "Deploy", "weight", 3))).statusCode(201);

        progress(project, "clone", 50).statusCode(200).body("progress", equalTo(12.5f))
                .body("status", equalTo("running")).body("steps[0].status", equalTo("running"));
        complete(project, "clone").statusCode(200).body("progress", equalTo(25.0f));
        asWorker().contentType(ContentType.JSON).body(Map.of("progress", 10, "message", "uploading"))
                .post("/api/projects/{p}/steps/{s}/progress", project, "deploy").then().statusCode(200)
                .body("progress", equalTo(32.5f)).body("message", equalTo("uploading"))
                .body("currentStep", equalTo("deploy"));
        complete(project, "deploy").statusCode(200).body("status", equalTo("completed"))
                .body("progress", equalTo(100.0f)).body("currentStep", nullValue()).body("sequence", equalTo(5));

        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 5));
        assertThat(tail.received(project)).extracting(r -> r.event().change()).containsExactly(
                ChangeKind.INITIALIZED, ChangeKind.PROGRESSED, ChangeKind.COMPLETED, ChangeKind.PROGRESSED,
                ChangeKind.COMPLETED);
    }

    @Test
    void theViewReadBackEqualsTheViewInTheLastEvent() {
        String project = newProjectId("view");
        start(project, plan("a", "b")).statusCode(201);
        progress(project, "a", 70).statusCode(200);

        String body = asWorker().get("/api/projects/{p}/progress", project).then().statusCode(200)
                .contentType(ContentType.JSON).extract().asString();
        InitializationView view = EventJson.read(("{\"eventId\":\"00000000-0000-0000-0000-000000000000\","
                + "\"projectId\":\"x\",\"sequence\":1,\"occurredAt\":\"2026-01-01T00:00:00Z\",\"initialization\":"
                + body + "}")
                .getBytes(StandardCharsets.UTF_8)).initialization();

        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 2));
        assertThat(tail.received(project).get(1).event().initialization()).isEqualTo(view);
    }

    @Test
    void failingAStepFailsTheInitializationAndOnlyTheNamedNextRunStartsAgain() {
        String project = newProjectId("fail");
        start(project, plan("a", "b")).statusCode(201).body("run", equalTo(1));

        asWorker().contentType(ContentType.JSON).body(Map.of("reason", "disk full"))
                .post("/api/projects/{p}/steps/{s}/fail", project, "a").then().statusCode(200)
                .body("status", equalTo("failed")).body("reason", equalTo("disk full"))
                .body("steps[0].status", equalTo("failed")).body("steps[0].message", equalTo("disk full"));

        // A late retry of the first start answers the finished run.
        start(project, plan("a", "b")).statusCode(200)
                .body("status", equalTo("failed")).body("sequence", equalTo(2)).body("run", equalTo(1));
        startRun(project, 1).statusCode(200).body("sequence", equalTo(2));
        startRun(project, 3).statusCode(409).contentType("application/problem+json")
                .body("title", equalTo("Unknown run"));

        startRun(project, 2).statusCode(201).body("status", equalTo("pending")).body("run", equalTo(2))
                .body("sequence", equalTo(3)).body("reason", nullValue());
        startRun(project, 2).statusCode(200).body("sequence", equalTo(3)); // the same request, retried
        start(project, plan("a", "b")).statusCode(200).body("run", equalTo(2)).body("sequence", equalTo(3));
        startRun(project, 3).statusCode(409).body("title", equalTo("Run in progress"));

        progress(project, "a", 5).statusCode(200).body("sequence", equalTo(4));
        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 4));
        assertThat(tail.sequences(project)).as("no event from the repeated starts").containsExactly(1L, 2L, 3L, 4L);
        assertThat(tail.received(project).get(2).event().change()).isEqualTo(ChangeKind.INITIALIZED);
        assertThat(tail.received(project).get(2).event().initialization().run()).isEqualTo(2);
    }

    @Test
    void aNewProjectStartsAtRunOne() {
        String project = newProjectId("runs");
        startRun(project, 2).statusCode(409).body("title", equalTo("Unknown run"));
        asWorker().queryParam("run", 0).put("/api/projects/{p}/initialization", project).then().statusCode(400)
                .contentType("application/problem+json");
        startRun(project, 1).statusCode(201).body("run", equalTo(1)).body("sequence", equalTo(1));
    }

    private static io.restassured.response.ValidatableResponse startRun(String project, int run) {
        return asWorker().contentType(ContentType.JSON).body(Map.of("steps", plan("a", "b"))).queryParam("run", run)
                .put("/api/projects/{p}/initialization", project).then();
    }

    @Test
    void cancelEndsTheInitialization() {
        String project = newProjectId("cancel");
        start(project, plan("a")).statusCode(201);

        asWorker().contentType(ContentType.JSON).body(Map.of("reason", "user asked"))
                .post("/api/projects/{p}/initialization/cancel", project).then().statusCode(200)
                .body("status", equalTo("cancelled")).body("reason", equalTo("user asked"));
        asWorker().contentType(ContentType.JSON).body("{}")
                .post("/api/projects/{p}/initialization/cancel", project).then().statusCode(200)
                .body("sequence", equalTo(2));
    }

    @Test
    void openApiAndHealthAreServed() {
        management().get("/q/openapi").then().statusCode(200);
        management().get("/q/health/ready").then().statusCode(200);
        management().get("/q/metrics").then().statusCode(200);
    }
}
