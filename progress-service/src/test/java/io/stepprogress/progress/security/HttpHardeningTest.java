package io.stepprogress.progress.security;

import static io.restassured.RestAssured.given;
import static io.stepprogress.progress.support.ProgressApi.asWorker;
import static io.stepprogress.progress.support.ProgressApi.management;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.stepprogress.problem.ProblemMappers;
import io.stepprogress.progress.support.NoTrace;
import io.quarkus.test.common.http.TestHTTPResource;
import io.stepprogress.testkit.TestTokens;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP edge: body size limit, CORS, and operations endpoints kept off the public port. */
@QuarkusTest
class HttpHardeningTest {

    @Inject
    AgroalDataSource dataSource;

    @TestHTTPResource("/")
    URL publicUrl;

    @Test
    void aBodyOverTheLimitIs413AndWritesNothing() throws Exception {
        String project = newProjectId("big");
        start(project, plan("a", "b")).statusCode(201);
        progress(project, "a", 50).statusCode(200);
        String rowsBefore = NoTrace.rows(dataSource, project);

        var response = asWorker().contentType("application/json")
                .body("{\"progress\":60,\"message\":\"" + "x".repeat(65 * 1024) + "\"}")
                .post("/api/projects/{p}/steps/a/progress", project);
        System.out.printf("ATTACK body of 65K -> %d %s | %s%n", response.statusCode(), response.contentType(),
                response.asString());

        response.then().statusCode(413).contentType("application/problem+json")
                .body("status", equalTo(413)).body("detail", containsString("larger than the 64K"));
        assertThat(NoTrace.rows(dataSource, project)).isEqualTo(rowsBefore);
        NoTrace.assertNextEventIsTheMarker(project, 3);
    }

    @Test
    void aChunkedBodyOverTheLimitIs413AndWritesNothing() throws Exception {
        String project = newProjectId("chunked");
        start(project, plan("a", "b")).statusCode(201);
        progress(project, "a", 50).statusCode(200);
        String rowsBefore = NoTrace.rows(dataSource, project);
        byte[] body = ("{\"progress\":60,\"message\":\"" + "x".repeat(65 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        // Our mapper, and Quarkus's handler of what fails after it (writing to a response already ended).
        List<Logger> loggers = List.of(Logger.getLogger(ProblemMappers.class.getName()),
                Logger.getLogger("io.quarkus.vertx.http.runtime.QuarkusErrorHandler"));
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        loggers.forEach(logger -> logger.addHandler(capture));
        try {
            // No Content-Length: the size is only known while the body streams in. Quarkus then answers 413 itself,
            // without a problem body, once it has read past the limit (and the connection is closed).
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(publicUrl + "api/projects/" + project + "/steps/a/progress"))
                    .header("Authorization", TestTokens.bearer(TestTokens.worker()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.printf("ATTACK chunked body of 65K -> %d %s | %s%n", response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""), response.body());

            assertThat(response.statusCode()).isEqualTo(413);
            // The resource's body reader fails after the answer went out: a client's oversized body is one debug
            // line, not an error with a stack trace that any client could write into the log on every request.
            await().atMost(Duration.ofSeconds(10)).until(() -> logged.stream()
                    .anyMatch(r -> String.valueOf(r.getMessage()).contains("body not read")));
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> logged.stream()
                    .noneMatch(r -> r.getLevel().intValue() > Level.INFO.intValue() || r.getThrown() != null));
        } finally {
            loggers.forEach(logger -> logger.removeHandler(capture));
        }
        assertThat(NoTrace.rows(dataSource, project)).isEqualTo(rowsBefore);
        NoTrace.assertNextEventIsTheMarker(project, 3);
    }

    @Test
    void aBodyJustUnderTheLimitIsReadAsUsual() {
        // The limit refuses size, not content: just under it the body is read, and the field rules answer.
        asWorker().contentType("application/json")
                .body("{\"progress\":60,\"message\":\"" + "x".repeat(60 * 1024) + "\"}")
                .post("/api/projects/{p}/steps/a/progress", newProjectId("big")).then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("message must be at most 1000"));
    }

    @Test
    void aPreflightFromAConfiguredOriginIsAllowed() {
        given().header("Origin", "https://allowed.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options("/api/projects/p/steps/a/progress").then()
                .statusCode(200)
                .header("Access-Control-Allow-Origin", "https://allowed.example");
    }

    @ParameterizedTest(name = "origin {0}")
    @ValueSource(strings = {"https://evil.example", "https://allowed.example.evil.example", "null"})
    void aPreflightFromAnyOtherOriginGetsNoAllowOrigin(String origin) {
        var response = given().header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .options("/api/projects/p/steps/a/progress");
        System.out.printf("ATTACK CORS preflight from %s -> %d Access-Control-Allow-Origin=%s%n", origin,
                response.statusCode(), response.header("Access-Control-Allow-Origin"));

        response.then().header("Access-Control-Allow-Origin", nullValue());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/q/metrics", "/q/health", "/q/health/ready", "/q/openapi", "/q/swagger-ui/"})
    void operationsEndpointsAreOnTheManagementPortOnly(String path) {
        given().get(path).then().statusCode(404).body(not(containsString("progress_relay")))
                .body(not(containsString("\"checks\"")));
        management().get(path).then().statusCode(200);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOpenApiDocumentDescribesBearerAuthenticationOnEveryOperation() {
        JsonPath openapi = management().accept("application/json").get("/q/openapi?format=json").then()
                .statusCode(200).extract().jsonPath();

        assertThat(openapi.getMap("components.securitySchemes.bearer"))
                .containsEntry("type", "http").containsEntry("scheme", "bearer");
        Map<String, Map<String, Map<String, Object>>> paths = openapi.getMap("paths");
        assertThat(paths).containsKey("/api/projects/{projectId}/subscriber-tokens");
        int operations = 0;
        for (var path : paths.entrySet()) {
            for (var operation : path.getValue().entrySet()) {
                operations++;
                assertThat(operation.getValue()).as(operation.getKey() + " " + path.getKey())
                        .containsKey("security");
                assertThat((Map<String, Object>) operation.getValue().get("responses"))
                        .as(operation.getKey() + " " + path.getKey()).containsKeys("401", "403");
            }
        }
        assertThat(operations).isEqualTo(8);
    }
}
