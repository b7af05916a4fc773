package io.stepprogress.notifier.subscriber;

import static io.restassured.RestAssured.given;
import static io.stepprogress.testkit.EventPublisher.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.notifier.readmodel.ProjectReadModel;
import io.stepprogress.notifier.support.Http;
import io.stepprogress.security.Audiences;
import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.Scopes;
import io.stepprogress.testkit.Events;
import io.stepprogress.testkit.PrometheusMetrics;
import io.stepprogress.testkit.TestTokens;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every protected endpoint against every way a credential can be wrong: each refusal is a problem+json with a
 * challenge, sent before anything is registered or written.
 */
@QuarkusTest
class SubscriberAccessMatrixTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @Inject
    ProjectReadModel readModel;

    private Events.Run run;

    /** The endpoints a subscriber token guards; {p} is a project that exists. */
    private enum Endpoint {
        PROJECT_STREAM("GET", "api/projects/{p}/events", true),
        PROGRESS("GET", "api/projects/{p}/progress", true),
        PROJECT_LIST("GET", "api/projects", false),
        OVERVIEW_STREAM("GET", "api/events", false),
        SESSION("POST", "api/session", false);

        final String method;
        final String path;
        final boolean perProject;

        Endpoint(String method, String path, boolean perProject) {
            this.method = method;
            this.path = path;
            this.perProject = perProject;
        }
    }

    @BeforeEach
    void aProjectWithEvents() {
        run = Events.plan("matrix-" + UUID.randomUUID().toString().substring(0, 8), "a");
        publish(run.initialized());
        await().atMost(Duration.ofSeconds(30)).until(() -> readModel.view(run.projectId()).isPresent());
    }

    @Test
    void badOrMissingCredentialsAre401() throws Exception {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("malformed", TestTokens.malformed());
        bad.put("unsigned (alg none)", TestTokens.unsigned(Scopes.SUBSCRIBE));
        bad.put("tampered payload", TestTokens.tamperedPayload(Scopes.SUBSCRIBE));
        bad.put("unknown key", TestTokens.unknownKey(Scopes.SUBSCRIBE));
        bad.put("expired", TestTokens.expired(Scopes.SUBSCRIBE));
        bad.put("wrong issuer", TestTokens.wrongIssuer(Scopes.SUBSCRIBE));
        bad.put("wrong audience", TestTokens.wrongAudience(Scopes.SUBSCRIBE));
        // Real tokens for the other services: not meant for this one.
        bad.put("worker token (for progress-service)", TestTokens.worker());
        bad.put("operator token (for progress, audit, alert)", TestTokens.operator());
        double refusedBefore = refused("unauthenticated");
        int overviewBefore = readModel.overviewSubscriberCount();

        SoftAssertions soft = new SoftAssertions();
        for (Endpoint endpoint : Endpoint.values()) {
            expect(soft, endpoint, "no credential", Map.of(), 401, "invalid_token", false);
            expect(soft, endpoint, "Basic credentials", Map.of("Authorization", "Basic dXNlcjpwYXNz"), 401,
                    "invalid_token", true);
            for (var token : bad.entrySet()) {
                expect(soft, endpoint, token.getKey() + " bearer", Http.bearer(token.getValue()), 401,
                        "invalid_token", true);
                if (endpoint != Endpoint.SESSION) {
                    expect(soft, endpoint, token.getKey() + " cookie", Http.cookie(token.getValue()), 401,
                            "invalid_token", true);
                }
            }
        }
        // A session is opened with a bearer header only: a cookie alone is no credential there.
        expect(soft, Endpoint.SESSION, "subscriber cookie", Http.cookie(TestTokens.subscriber()), 401,
                "invalid_token", false);
        soft.assertAll();

        assertNothingRegistered(overviewBefore);
        // 2 stream endpoints x (none, basic, each bad token as bearer and as cookie)
        assertThat(refused("unauthenticated") - refusedBefore).isEqualTo(2 * (2 + 2 * bad.size()));
    }

    @Test
    void validTokensWithoutTheSubscribeScopeAre403() throws Exception {
        int overviewBefore = readModel.overviewSubscriberCount();
        SoftAssertions soft = new SoftAssertions();
        for (Endpoint endpoint : Endpoint.values()) {
            // Meant for this service, so only the scope is wrong.
            for (var token : Map.of(
                    "write scope", TestTokens.forAudiences(List.of(Audiences.NOTIFIER_SERVICE), Scopes.WRITE),
                    "operator scope", TestTokens.forAudiences(List.of(Audiences.NOTIFIER_SERVICE), Scopes.OPERATOR))
                    .entrySet()) {
                expect(soft, endpoint, token.getKey() + " bearer", Http.bearer(token.getValue()), 403,
                        "insufficient_scope", false);
                if (endpoint != Endpoint.SESSION) {
                    expect(soft, endpoint, token.getKey() + " cookie", Http.cookie(token.getValue()), 403,
                            "insufficient_scope", false);
                }
            }
        }
        soft.assertAll();
        assertNothingRegistered(overviewBefore);
    }

    @Test
    void aSubscriberOfAnotherProjectIs403() throws Exception {
        int overviewBefore = readModel.overviewSubscriberCount();
        String other = TestTokens.subscriber("someone-else-*");
        SoftAssertions soft = new SoftAssertions();
        for (Endpoint endpoint : List.of(Endpoint.PROJECT_STREAM, Endpoint.PROGRESS)) {
            expect(soft, endpoint, "other project's bearer", Http.bearer(other), 403, "insufficient_scope", false);
            expect(soft, endpoint, "other project's cookie", Http.cookie(other), 403, "insufficient_scope", false);
        }
        soft.assertAll();
        assertNothingRegistered(overviewBefore);
    }

    /** A mis-minted subscriber token (no projects claim) opens nothing: no session, no stream, no snapshot. */
    @Test
    void aSubscriberTokenThatNamesNoProjectIs403Everywhere() throws Exception {
        int overviewBefore = readModel.overviewSubscriberCount();
        SoftAssertions soft = new SoftAssertions();
        for (var token : Map.of("no projects claim", TestTokens.withoutProjects(Scopes.SUBSCRIBE),
                "projects []", emptyProjects()).entrySet()) {
            for (Endpoint endpoint : Endpoint.values()) {
                expect(soft, endpoint, token.getKey() + " bearer", Http.bearer(token.getValue()), 403,
                        "insufficient_scope", false);
                if (endpoint != Endpoint.SESSION) {
                    expect(soft, endpoint, token.getKey() + " cookie", Http.cookie(token.getValue()), 403,
                            "insufficient_scope", false);
                }
            }
        }
        soft.assertAll();
        assertNothingRegistered(overviewBefore);
    }

    private static String emptyProjects() {
        return TestTokens.subscriberIssuer().issue("test", List.of(Scopes.SUBSCRIBE), ProjectPatterns.of(),
                Duration.ofMinutes(5)).token();
    }

    @Test
    void aRefusedSessionSetsNoCookie() {
        for (String token : List.of(TestTokens.expired(Scopes.SUBSCRIBE), TestTokens.worker(),
                TestTokens.withoutProjects(Scopes.SUBSCRIBE), emptyProjects())) {
            HttpResponse<String> response = Http.send("POST", uri(Endpoint.SESSION), Http.bearer(token));
            assertThat(response.statusCode()).isIn(401, 403);
            assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
        }
    }

    private void expect(SoftAssertions soft, Endpoint endpoint, String credential, Map<String, String> headers,
                        int status, String error, boolean errorInChallenge) throws Exception {
        HttpResponse<String> response = Http.send(endpoint.method, uri(endpoint), headers);
        String what = endpoint + " with " + credential;
        soft.assertThat(response.statusCode()).as(what + ": status").isEqualTo(status);
        soft.assertThat(response.headers().firstValue("Content-Type").orElse("")).as(what + ": content type")
                .startsWith("application/problem+json");
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
        soft.assertThat(challenge).as(what + ": challenge").startsWith("Bearer realm=\"step-progress\"");
        if (errorInChallenge || status == 403) {
            soft.assertThat(challenge).as(what + ": challenge error").contains("error=\"" + error + "\"");
        }
        JsonNode body = JSON.readTree(response.body());
        soft.assertThat(body.path("status").asInt()).as(what + ": problem status").isEqualTo(status);
        soft.assertThat(response.body()).as(what + ": no data in a refusal").doesNotContain("\"steps\"");
    }

    private URI uri(Endpoint endpoint) {
        return URI.create(base + endpoint.path.replace("{p}", run.projectId()));
    }

    private void assertNothingRegistered(int overviewBefore) {
        assertThat(readModel.subscriberCount(run.projectId())).as("subscribers of the project").isZero();
        assertThat(readModel.overviewSubscriberCount()).as("overview subscribers").isLessThanOrEqualTo(overviewBefore);
    }

    private double refused(String reason) {
        return PrometheusMetrics.parse(given().get(metrics).then().statusCode(200).extract().asString())
                .value("notifier_sse_refused_total", "reason", reason);
    }
}
