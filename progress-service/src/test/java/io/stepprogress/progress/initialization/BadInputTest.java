package io.stepprogress.progress.initialization;

import static io.stepprogress.progress.support.ProgressApi.asWorker;
import static io.stepprogress.progress.support.ProgressApi.complete;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.stepprogress.progress.support.NoTrace;
import io.stepprogress.progress.support.ProgressTopicTail;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input gets its status as application/problem+json with a clear detail, and leaves no
 * trace: the project's rows and sequence are unchanged and no event is published. "No event" is proven
 * with a marker: a valid update sent afterwards must be the very next event of the project.
 */
@QuarkusTest
class BadInputTest {

    private static final String JSON = "application/json";

    @Inject
    AgroalDataSource dataSource;

    private final ProgressTopicTail tail = ProgressTopicTail.shared();

    /** A request against an existing project "p" whose plan is steps a and b, with a at 50%. */
    record Case(String name, int status, String detailContains, Function<String, Response> request) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> badRequestsOnAnExistingProject() {
        List<Case> cases = new ArrayList<>();
        cases.add(post("malformed JSON", 400, "not valid JSON", "/steps/a/progress", JSON, "{\"progress\": "));
        cases.add(post("progress not a number", 400, "'progress' must be an integer", "/steps/a/progress", JSON, "{\"progress\":\"abc\"}"));
        cases.add(post("progress as a string", 400, "'progress'", "/steps/a/progress", JSON, "{\"progress\":\"60\"}"));
        cases.add(post("progress with a fraction", 400, "'progress'", "/steps/a/progress", JSON, "{\"progress\":60.5}"));
        cases.add(post("progress as a boolean", 400, "'progress'", "/steps/a/progress", JSON, "{\"progress\":true}"));
        cases.add(post("progress above 100", 400, "between 0 and 100", "/steps/a/progress", JSON, "{\"progress\":101}"));
        cases.add(post("progress below 0", 400, "between 0 and 100", "/steps/a/progress", JSON, "{\"progress\":-1}"));
        cases.add(post("progress missing", 400, "progress is required", "/steps/a/progress", JSON, "{}"));
        cases.add(post("no body", 400, "body", "/steps/a/progress", JSON, null));
        cases.add(post("a JSON array", 400, "JSON", "/steps/a/progress", JSON, "[60]"));
        cases.add(post("message too long", 400, "message must be at most 1000", "/steps/a/progress", JSON,
                "{\"progress\":60,\"message\":\"" + "x".repeat(1001) + "\"}"));
        cases.add(post("message not a string", 400, "'message'", "/steps/a/progress", JSON,
                "{\"progress\":60,\"message\":5}"));
        cases.add(post("bad step id", 400, "must match", "/steps/a%20b/progress", JSON, "{\"progress\":60}"));
        cases.add(post("step id too long", 400, "must match", "/steps/" + "s".repeat(65) + "/progress", JSON,
                "{\"progress\":60}"));
        cases.add(post("unknown step", 404, "no step 'zzz'", "/steps/zzz/progress", JSON, "{\"progress\":60}"));
        cases.add(post("regression", 409, "only goes up", "/steps/a/progress", JSON, "{\"progress\":40}"));
        cases.add(post("wrong content type", 415, "application/json", "/steps/a/progress", "text/plain",
                "progress=60"));
        cases.add(post("fail without reason", 400, "reason is required", "/steps/a/fail", JSON, "{}"));
        cases.add(post("fail with blank reason", 400, "reason is required", "/steps/a/fail", JSON,
                "{\"reason\":\" \"}"));
        cases.add(post("cancel reason too long", 400, "reason must be at most 1000", "/initialization/cancel", JSON,
                "{\"reason\":\"" + "x".repeat(1001) + "\"}"));
        // Control characters in any text field: NUL used to reach PostgreSQL and come back as a 500.
        cases.add(post("NUL in a message", 400, "field 'message' must not contain control characters (U+0000",
                "/steps/a/progress", JSON, "{\"progress\":60,\"message\":\"\\u0000\"}"));
        cases.add(post("escape in a message", 400, "field 'message' must not contain control characters (U+001B",
                "/steps/a/progress", JSON, "{\"progress\":60,\"message\":\"red \\u001b[31m\"}"));
        cases.add(post("C1 control in a completion message", 400, "field 'message' must not contain control characters (U+0085",
                "/steps/a/complete", JSON, "{\"message\":\"a\u0085b\"}"));
        cases.add(post("DEL in a failure reason", 400, "field 'reason' must not contain control characters (U+007F",
                "/steps/a/fail", JSON, "{\"reason\":\"\u007f\"}"));
        cases.add(post("NUL in a cancel reason", 400, "field 'reason' must not contain control characters (U+0000",
                "/initialization/cancel", JSON, "{\"reason\":\"x\\u0000\"}"));
        cases.add(post("unpaired surrogate in a message", 400, "field 'message' must be valid Unicode text",
                "/steps/a/progress", JSON, "{\"progress\":60,\"message\":\"\\ud800\"}"));
        cases.add(put("NUL in a label", 400, "field 'steps[1].label' must not contain control characters (U+0000",
                List.of(Map.of("name", "a", "label", "A", "weight", 1), Map.of("name", "b", "label", "B\u0000", "weight", 1))));
        // Loose JSON: each was accepted, the last value or the first object winning and unknown fields dropped.
        cases.add(post("trailing tokens", 400, "exactly one JSON value", "/steps/a/progress", JSON,
                "{\"progress\":60}xyz"));
        cases.add(post("a second object", 400, "exactly one JSON value", "/steps/a/progress", JSON,
                "{\"progress\":60}{\"progress\":70}"));
        cases.add(post("duplicate key", 400, "field 'progress' is given more than once", "/steps/a/progress", JSON,
                "{\"progress\":60,\"progress\":90}"));
        cases.add(post("misspelled message", 400, "field 'mesage' is not a field of this request (known: message, progress)",
                "/steps/a/progress", JSON, "{\"progress\":60,\"mesage\":\"lost\"}"));
        cases.add(post("unknown field in a failure", 400, "field 'reasn' is not a field", "/steps/a/fail", JSON,
                "{\"reason\":\"x\",\"reasn\":\"y\"}"));
        cases.add(put("misspelled label", 400, "field 'steps[0].lable' is not a field",
                List.of(Map.of("name", "a", "lable", "A", "label", "A", "weight", 1))));
        cases.add(post("subscriber token with an unknown field", 400, "field 'ttl' is not a field",
                "/subscriber-tokens", JSON, "{\"subject\":\"u\",\"ttl\":60}"));
        cases.add(put("different plan while running", 409, "different plan", plan("a", "c")));
        cases.add(put("empty plan", 400, "1 to 50 steps", List.of()));
        cases.add(put("duplicate step names", 400, "duplicate step name 'a'", plan("a", "a")));
        cases.add(put("more than 50 steps", 400, "1 to 50 steps",
                IntStream.range(0, 51).mapToObj(i -> plan("s" + i).get(0)).toList()));
        cases.add(put("weight zero", 400, "weight must be a positive integer",
                List.of(Map.of("name", "a", "label", "A", "weight", 0))));
        cases.add(put("label too long", 400, "label must be at most 200",
                List.of(Map.of("name", "a", "label", "l".repeat(201), "weight", 1))));
        cases.add(put("step name with a space", 400, "name must match",
                List.of(Map.of("name", "a b", "label", "A", "weight", 1))));
        cases.add(put("weight not a number", 400, "'steps[0].weight' must be an integer",
                List.of(Map.of("name", "a", "label", "A", "weight", "heavy"))));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequestsOnAnExistingProject")
    void isRejectedWithAProblemAndLeavesNoTrace(Case badCase) throws Exception {
        String project = newProjectId("bad");
        start(project, plan("a", "b")).statusCode(201);
        progress(project, "a", 50).statusCode(200);
        String rowsBefore = rows(project);

        Response response = badCase.request().apply(project);

        response.then().statusCode(badCase.status())
                .contentType("application/problem+json")
                .body("status", equalTo(badCase.status()))
                .body("title", notNullValue())
                .body("detail", containsString(badCase.detailContains()))
                .body(not(containsString("Exception")))
                .body(not(containsString("java.")));
        assertThat(rows(project)).isEqualTo(rowsBefore);
        assertNextEventIsTheMarker(project, 3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequestsOnAProjectThatDoesNotExist")
    void isRejectedWithoutCreatingTheProject(String name, int status, Function<String, Response> request)
            throws Exception {
        String project = newProjectId("absent");

        request.apply(project).then().statusCode(status).contentType("application/problem+json")
                .body("status", equalTo(status));

        NoTrace.assertNeverStarted(dataSource, project);
    }

    static Stream<Arguments> badRequestsOnAProjectThatDoesNotExist() {
        Function<String, Response> progressOnUnknown = p -> json().body("{\"progress\":10}")
                .post("/api/projects/" + p + "/steps/a/progress");
        Function<String, Response> completeOnUnknown = p -> json().body("{}")
                .post("/api/projects/" + p + "/steps/a/complete");
        Function<String, Response> cancelOnUnknown = p -> json().body("{}")
                .post("/api/projects/" + p + "/initialization/cancel");
        Function<String, Response> getUnknown = p -> asWorker().get("/api/projects/" + p + "/progress");
        Function<String, Response> invalidPlan = p -> json().body(Map.of("steps", List.of()))
                .put("/api/projects/" + p + "/initialization");
        return Stream.of(
                Arguments.of("progress on an unknown project", 404, progressOnUnknown),
                Arguments.of("complete on an unknown project", 404, completeOnUnknown),
                Arguments.of("cancel on an unknown project", 404, cancelOnUnknown),
                Arguments.of("read an unknown project", 404, getUnknown),
                Arguments.of("invalid plan for a new project", 400, invalidPlan));
    }

    @org.junit.jupiter.api.Test
    void aBadProjectIdIsRejectedWithoutCreatingAnything() {
        String tooLong = "p".repeat(65);
        json().body(Map.of("steps", plan("a"))).put("/api/projects/" + tooLong + "/initialization").then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("projectId must match"));
        json().body(Map.of("steps", plan("a"))).put("/api/projects/bad%20id!/initialization").then()
                .statusCode(400).contentType("application/problem+json");
        assertThat(tail.received(tooLong)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void aFinishedStepOrInitializationTakesNoUpdates() throws Exception {
        String project = newProjectId("finished");
        start(project, plan("a", "b")).statusCode(201);
        complete(project, "a").statusCode(200);

        progress(project, "a", 100).statusCode(409).contentType("application/problem+json")
                .body("title", equalTo("Step finished"));
        assertNextEventIsTheMarker(project, 3);
    }

    @org.junit.jupiter.api.Test
    void unknownPathsAndMethodsAreProblemsToo() {
        asWorker().get("/api/nowhere").then().statusCode(404).contentType("application/problem+json");
        asWorker().delete("/api/projects/x/progress").then().statusCode(405).contentType("application/problem+json");
    }

    private void assertNextEventIsTheMarker(String project, long expectedSequence) {
        NoTrace.assertNextEventIsTheMarker(project, expectedSequence);
    }

    private String rows(String project) throws Exception {
        return NoTrace.rows(dataSource, project);
    }

    private static RequestSpecification json() {
        return asWorker().contentType(JSON);
    }

    private static Case post(String name, int status, String detail, String path, String contentType, String body) {
        return new Case(name, status, detail, project -> {
            RequestSpecification request = asWorker().contentType(contentType);
            if (body != null) {
                request.body(body);
            }
            return request.post("/api/projects/" + project + path);
        });
    }

    private static Case put(String name, int status, String detail, List<Map<String, Object>> steps) {
        return new Case(name, status, detail,
                project -> json().body(Map.of("steps", steps)).put("/api/projects/" + project + "/initialization"));
    }
}
