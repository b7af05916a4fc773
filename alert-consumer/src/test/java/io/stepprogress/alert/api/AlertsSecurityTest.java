package io.stepprogress.alert.api;

import static io.restassured.RestAssured.given;
import static io.stepprogress.testkit.ApiRequests.asOperator;
import static io.stepprogress.testkit.ApiRequests.withToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.common.mapper.TypeRef;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.stepprogress.security.Audiences;
import io.stepprogress.security.Scopes;
import io.stepprogress.testkit.BadCredential;
import io.stepprogress.alert.support.Kafka;
import io.stepprogress.alert.support.Ready;
import io.stepprogress.alert.support.TestRun;
import io.stepprogress.testkit.SecurityMatrix;
import io.stepprogress.testkit.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may list alerts: only a valid operator token, and it sees only the alerts of the projects its patterns
 * allow. Two projects fail, one under {@code sec-*} and one under {@code other-*}, so that every case asks
 * about alerts that really exist.
 */
@QuarkusTest
class AlertsSecurityTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);

    /** Failed once for the whole class. */
    private static TestRun mine;
    private static TestRun others;

    /** The endpoint's two forms: every alert, and one type of them. */
    enum Endpoint {
        ALL {
            @Override
            Response get(RequestSpecification request) {
                return request.get("/api/alerts");
            }
        },
        FAILED {
            @Override
            Response get(RequestSpecification request) {
                return request.queryParam("type", "failed").get("/api/alerts");
            }
        };

        abstract Response get(RequestSpecification request);
    }

    @BeforeEach
    void twoProjectsHaveFailed() {
        Ready.waitUntilReady();
        if (mine == null) {
            TestRun sec = TestRun.of("sec", "step-" + SUFFIX);
            TestRun other = TestRun.of("other", "step-" + SUFFIX);
            Kafka.publish(sec.start(), sec.fail("step-" + SUFFIX, "broken"),
                    other.start(), other.fail("step-" + SUFFIX, "broken"));
            await().atMost(Duration.ofSeconds(20)).until(() -> projects(Endpoint.ALL.get(asOperator()))
                    .containsAll(List.of(sec.projectId(), other.projectId())));
            mine = sec;
            others = other;
        }
    }

    static Stream<Object[]> everyEndpointWithEveryBadCredential() {
        return SecurityMatrix.withEveryBadCredential(Endpoint.values());
    }

    @ParameterizedTest(name = "{0} with {1}: 401")
    @MethodSource("everyEndpointWithEveryBadCredential")
    void aRequestWithoutAValidTokenIsUnauthorized(Endpoint endpoint, BadCredential credential) {
        String authorization = credential.authorization(Scopes.OPERATOR);
        RequestSpecification request = authorization == null
                ? given() : given().header("Authorization", authorization);

        Response response = endpoint.get(request);

        credential.assertUnauthorized(response);
        assertThat(response.asString()).doesNotContain(mine.projectId(), others.projectId());
    }

    static Stream<Object[]> everyEndpointWithEveryOtherScope() {
        // Meant for this service, so only the scope is wrong: tokens minted for other services are 401 (below).
        return SecurityMatrix.withEveryOtherScope(Endpoint.values(), Audiences.ALERT_CONSUMER, Scopes.OPERATOR);
    }

    static Stream<Object[]> everyEndpointWithTokensForOtherServices() {
        return SecurityMatrix.withTokensForOtherServices(Endpoint.values());
    }

    /** Tokens as really minted for the other services: not meant for this one, whatever their scope. */
    @ParameterizedTest(name = "{0} with a {1} token: 401")
    @MethodSource("everyEndpointWithTokensForOtherServices")
    void aTokenMeantForAnotherServiceIsUnauthorized(Endpoint endpoint, String who, Supplier<String> token) {
        Response response = endpoint.get(withToken(token.get()));

        response.then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .body("status", equalTo(401));
    }

    @ParameterizedTest(name = "{0} with a {1} token: 403")
    @MethodSource("everyEndpointWithEveryOtherScope")
    void aValidTokenWithoutTheOperatorScopeIsForbidden(Endpoint endpoint, String who, Supplier<String> token) {
        Response response = endpoint.get(withToken(token.get()));

        response.then().statusCode(403).contentType(PROBLEM)
                .header("WWW-Authenticate", containsString("error=\"insufficient_scope\""))
                .body("status", equalTo(403));
        assertThat(response.asString()).doesNotContain(mine.projectId(), others.projectId());
    }

    @ParameterizedTest(name = "{0}: only the projects the patterns allow")
    @EnumSource(Endpoint.class)
    void anOperatorSeesOnlyTheAlertsOfItsProjects(Endpoint endpoint) {
        List<String> restricted = projects(endpoint.get(asOperator("other-*")));
        assertThat(restricted).contains(others.projectId()).doesNotContain(mine.projectId())
                .allMatch(project -> project.startsWith("other-"));

        assertThat(projects(endpoint.get(asOperator("sec-*")))).containsExactly(mine.projectId());
        assertThat(projects(endpoint.get(asOperator(mine.projectId())))).containsExactly(mine.projectId());
        assertThat(projects(endpoint.get(asOperator()))).contains(mine.projectId(), others.projectId());
    }

    /** A pattern that matches nothing yields an empty list, exactly as if nothing had failed. */
    @Test
    void anOperatorOfNoKnownProjectGetsAnEmptyList() {
        assertThat(projects(Endpoint.ALL.get(asOperator("nobody-" + SUFFIX + "-*")))).isEmpty();
    }

    /** Authentication comes before anything else: an invalid parameter tells an anonymous caller nothing. */
    @Test
    void authenticationComesBeforeParameterValidation() {
        given().queryParam("type", "sleeping").get("/api/alerts").then().statusCode(401).contentType(PROBLEM);
        withToken(TestTokens.forAudiences(List.of(Audiences.ALERT_CONSUMER), Scopes.SUBSCRIBE)).queryParam("type", "sleeping").get("/api/alerts").then().statusCode(403);
    }

    /** The API reads only: a body is refused before anything looks at it. */
    @Test
    void anOversizedBodyIsRefused() {
        asOperator().body("x".repeat(8 * 1024)).contentType("text/plain").get("/api/alerts").then().statusCode(413);
    }

    private static List<String> projects(Response response) {
        return response.then().statusCode(200).contentType("application/json").extract()
                .as(new TypeRef<List<Map<String, Object>>>() {
                }).stream().map(alert -> String.valueOf(alert.get("projectId"))).toList();
    }
}
