package io.stepprogress.progress.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.stepprogress.testkit.ApiRequests;
import io.stepprogress.testkit.Management;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The public HTTP API as a worker calls it, for tests. */
public final class ProgressApi {

    private ProgressApi() {
    }

    /** A request carrying a worker's token for every project: what the tests of behaviour send. */
    public static RequestSpecification asWorker() {
        return ApiRequests.asWorker();
    }

    /** A request to the management interface (health, metrics, OpenAPI), which the public port does not serve. */
    public static RequestSpecification management() {
        return Management.given();
    }

    public static String newProjectId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 13);
    }

    public static List<Map<String, Object>> plan(String... stepNames) {
        return java.util.Arrays.stream(stepNames)
                .map(name -> Map.<String, Object>of("name", name, "label", "Step " + name, "weight", 1))
                .toList();
    }

    public static ValidatableResponse start(String projectId, List<Map<String, Object>> steps) {
        return asWorker().contentType(ContentType.JSON).body(Map.of("steps", steps))
                .put("/api/projects/{p}/initialization", projectId).then();
    }

    public static ValidatableResponse progress(String projectId, String step, int progress) {
        return asWorker().contentType(ContentType.JSON).body(Map.of("progress", progress))
                .post("/api/projects/{p}/steps/{s}/progress", projectId, step).then();
    }

    public static ValidatableResponse complete(String projectId, String step) {
        return asWorker().contentType(ContentType.JSON).body("{}")
                .post("/api/projects/{p}/steps/{s}/complete", projectId, step).then();
    }
}
