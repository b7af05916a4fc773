package io.stepprogress.progress.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The public HTTP API as a worker calls it, for tests. */
public final class ProgressApi {

    private ProgressApi() {
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
        return given().contentType(ContentType.JSON).body(Map.of("steps", steps))
                .put("/api/projects/{p}/initialization", projectId).then();
    }

    public static ValidatableResponse progress(String projectId, String step, int progress) {
        return given().contentType(ContentType.JSON).body(Map.of("progress", progress))
                .post("/api/projects/{p}/steps/{s}/progress", projectId, step).then();
    }

    public static ValidatableResponse complete(String projectId, String step) {
        return given().contentType(ContentType.JSON).body("{}")
                .post("/api/projects/{p}/steps/{s}/complete", projectId, step).then();
    }
}
