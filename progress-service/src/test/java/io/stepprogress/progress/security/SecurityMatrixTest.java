package io.stepprogress.progress.security;

import static io.restassured.RestAssured.given;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.stepprogress.progress.support.NoTrace;
import io.stepprogress.security.Audiences;
import io.stepprogress.security.Scopes;
import io.stepprogress.testkit.TestTokens;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint against every way a caller can be wrong: no or bad credentials are 401 with a Bearer
 * challenge, a valid token with the wrong scope or for another project is 403, both as problem details.
 * A refused write leaves the project's rows as they were and emits no event (the next event is a marker);
 * a refused subscriber-token request issues nothing.
 */
@QuarkusTest
class SecurityMatrixTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry meters;

    /** What a refused request must not have done, checked by where the request went. */
    enum Effect { NONE, WRITES_EXISTING, CREATES, ISSUES }

    record Endpoint(String name, String method, String path, String body, Effect effect) {
        @Override
        public String toString() {
            return name;
        }

        Response send(RequestSpecification request, String project) {
            if (body != null) {
                request.contentType("application/json").body(body);
            }
            return request.request(method, "/api/projects/" + project + path);
        }
    }

    /** Each request is valid: sent with a worker's token for the project, it would change something. */
    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("start", "PUT", "/initialization", "{\"steps\":[{\"name\":\"a\",\"label\":\"A\",\"weight\":1}]}",
                    Effect.CREATES),
            new Endpoint("progress", "POST", "/steps/a/progress", "{\"progress\":60}", Effect.WRITES_EXISTING),
            new Endpoint("complete", "POST", "/steps/a/complete", "{}", Effect.WRITES_EXISTING),
            new Endpoint("fail", "POST", "/steps/a/fail", "{\"reason\":\"attack\"}", Effect.WRITES_EXISTING),
            new Endpoint("cancel", "POST", "/initialization/cancel", "{}", Effect.WRITES_EXISTING),
            new Endpoint("read progress", "GET", "/progress", null, Effect.NONE),
            new Endpoint("subscriber token", "POST", "/subscriber-tokens", "{\"subject\":\"mallory\"}", Effect.ISSUES));

    record Attack(String name, int status, String detail, Supplier<String> authorization) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String INVALID = "not signed by a key we trust";
    static final String MISSING = "send a bearer token";

    static List<Attack> unauthenticated() {
        return List.of(
                new Attack("no Authorization header", 401, MISSING, () -> null),
                new Attack("Bearer + malformed", 401, INVALID, () -> TestTokens.bearer(TestTokens.malformed())),
                new Attack("unsigned (alg none)", 401, INVALID, () -> TestTokens.bearer(TestTokens.unsigned(Scopes.WRITE))),
                new Attack("tampered payload", 401, INVALID,
                        () -> TestTokens.bearer(TestTokens.tamperedPayload(Scopes.WRITE))),
                new Attack("unknown key", 401, INVALID, () -> TestTokens.bearer(TestTokens.unknownKey(Scopes.WRITE))),
                new Attack("expired", 401, "expired", () -> TestTokens.bearer(TestTokens.expired(Scopes.WRITE))),
                new Attack("wrong issuer", 401, INVALID, () -> TestTokens.bearer(TestTokens.wrongIssuer(Scopes.WRITE))),
                new Attack("wrong audience", 401, INVALID, () -> TestTokens.bearer(TestTokens.wrongAudience(Scopes.WRITE))),
                new Attack("subscriber token (for notifier-service)", 401, INVALID,
                        () -> TestTokens.bearer(TestTokens.subscriber())),
                new Attack("write token signed by the subscriber key", 401, INVALID,
                        () -> TestTokens.bearer(TestTokens.forgedWithSubscriberKey(Scopes.WRITE))),
                new Attack("operator token signed by the subscriber key", 401, INVALID,
                        () -> TestTokens.bearer(TestTokens.forgedWithSubscriberKey(Scopes.OPERATOR))),
                new Attack("Basic scheme", 401, MISSING, () -> "Basic xyz"));
    }

    static List<Attack> forbidden() {
        return List.of(
                new Attack("subscribe scope for progress-service (wrong scope)", 403, "scope",
                        () -> TestTokens.bearer(TestTokens.forAudiences(List.of(Audiences.PROGRESS_SERVICE),
                                Scopes.SUBSCRIBE))),
                new Attack("operator token (wrong scope)", 403, "scope",
                        () -> TestTokens.bearer(TestTokens.operator())),
                new Attack("worker for other-* (wrong project)", 403, "not valid for project",
                        () -> TestTokens.bearer(TestTokens.worker("other-*"))),
                new Attack("worker without a projects claim (no project)", 403, "not valid for project",
                        () -> TestTokens.bearer(TestTokens.withoutProjects(Scopes.WRITE))));
    }

    static Stream<Arguments> everyEndpointTimesEveryAttack() {
        List<Arguments> cases = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            for (Attack attack : unauthenticated()) {
                cases.add(Arguments.of(endpoint, attack));
            }
            for (Attack attack : forbidden()) {
                // Reading progress is what operators may do; that cell is checked as allowed below.
                if (!(endpoint.effect() == Effect.NONE && attack.name().startsWith("operator"))) {
                    cases.add(Arguments.of(endpoint, attack));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("everyEndpointTimesEveryAttack")
    void isRefusedAndLeavesNoTrace(Endpoint endpoint, Attack attack) throws Exception {
        String project = newProjectId("sec");
        if (endpoint.effect() == Effect.WRITES_EXISTING || endpoint.effect() == Effect.NONE) {
            start(project, plan("a", "b")).statusCode(201);
            progress(project, "a", 50).statusCode(200);
        }
        String rowsBefore = NoTrace.rows(dataSource, project);
        double issuedBefore = issued();

        RequestSpecification request = given();
        String authorization = attack.authorization().get();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        Response response = endpoint.send(request, project);
        System.out.printf("ATTACK %s / %s -> %d %s | %s%n", endpoint, attack, response.statusCode(),
                response.header("WWW-Authenticate"), response.jsonPath().getString("detail"));

        response.then().statusCode(attack.status())
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer realm=\"step-progress\""))
                .body("status", equalTo(attack.status()))
                .body("detail", containsString(attack.detail()))
                .body(not(containsString("Exception")));
        assertThat(NoTrace.rows(dataSource, project)).isEqualTo(rowsBefore);
        assertThat(issued()).isEqualTo(issuedBefore);
        switch (endpoint.effect()) {
            case WRITES_EXISTING, NONE -> NoTrace.assertNextEventIsTheMarker(project, 3);
            case CREATES, ISSUES -> NoTrace.assertNeverStarted(dataSource, project);
        }
    }

    static Stream<Arguments> everyAttackOnTheListing() {
        List<Arguments> cases = new ArrayList<>();
        unauthenticated().forEach(attack -> cases.add(Arguments.of(attack)));
        // The listing is for operators, whatever the projects: every other token is refused for its scope.
        forbidden().stream().filter(attack -> !attack.name().startsWith("operator"))
                .forEach(attack -> cases.add(Arguments.of(new Attack(attack.name(), 403, "scope",
                        attack.authorization()))));
        return cases.stream();
    }

    /** GET /api/projects (operators' listing of current views): what it refuses, it lists nothing. */
    @ParameterizedTest(name = "list projects with {0}")
    @MethodSource("everyAttackOnTheListing")
    void theListingIsRefusedToAnyoneButOperators(Attack attack) {
        RequestSpecification request = given();
        String authorization = attack.authorization().get();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        request.get("/api/projects").then().statusCode(attack.status())
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer realm=\"step-progress\""))
                .body("status", equalTo(attack.status()))
                .body("detail", containsString(attack.detail()))
                .body(not(containsString("projectId")));
    }

    @org.junit.jupiter.api.Test
    void operatorsMayReadProgressOfTheirProjectsOnly() {
        String project = newProjectId("ops");
        start(project, plan("a")).statusCode(201);

        given().header("Authorization", TestTokens.bearer(TestTokens.operator())).get("/api/projects/{p}/progress", project)
                .then().statusCode(200).body("projectId", equalTo(project));
        given().header("Authorization", TestTokens.bearer(TestTokens.operator("ops-*")))
                .get("/api/projects/{p}/progress", project).then().statusCode(200);
        given().header("Authorization", TestTokens.bearer(TestTokens.operator("other-*")))
                .get("/api/projects/{p}/progress", project).then().statusCode(403)
                .contentType("application/problem+json");
    }

    @org.junit.jupiter.api.Test
    void aWorkerLimitedToAPatternWritesTheProjectsItMatches() {
        String project = newProjectId("acme");
        String acmeWorker = TestTokens.bearer(TestTokens.worker("acme-*"));

        given().header("Authorization", acmeWorker).contentType("application/json")
                .body("{\"steps\":[{\"name\":\"a\",\"label\":\"A\",\"weight\":1}]}")
                .put("/api/projects/{p}/initialization", project).then().statusCode(201);
        given().header("Authorization", acmeWorker).contentType("application/json").body("{\"progress\":10}")
                .post("/api/projects/{p}/steps/a/progress", project).then().statusCode(200)
                .body("sequence", equalTo(2));
    }

    private double issued() {
        return meters.counter("progress.subscriber.tokens.issued").count();
    }
}
