package io.stepprogress.audit.api;

import static io.restassured.RestAssured.given;
import static io.stepprogress.testkit.ApiRequests.asOperator;
import static io.stepprogress.testkit.ApiRequests.withToken;
import static io.stepprogress.testkit.EventPublisher.publishAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.stepprogress.audit.log.AuditLog;
import io.stepprogress.security.Audiences;
import io.stepprogress.security.Scopes;
import io.stepprogress.testkit.BadCredential;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.testkit.Events;
import io.stepprogress.testkit.SecurityMatrix;
import io.stepprogress.testkit.TestTokens;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may read the audit log: only a valid operator token, and only about the projects its patterns allow.
 * Every case asks for a project and an event that really exist, so a refusal is never a 404 in disguise,
 * and checks that the refused request changed nothing in the audit table.
 */
@QuarkusTest
class AuditSecurityTest {

    private static final String PREFIX = "sec";
    private static final String PROBLEM = "application/problem+json";

    /** Recorded once for the whole class: three events of one project. */
    private static Events.Run run;
    private static List<StepProgressUpdated> events;

    @Inject
    AuditLog log;

    /** The two endpoints, each aimed at the recorded history. */
    enum Endpoint {
        PROJECT_EVENTS {
            @Override
            Response get(RequestSpecification request) {
                return request.get("/api/audit/projects/{p}/events", run.projectId());
            }
        },
        EVENT {
            @Override
            Response get(RequestSpecification request) {
                return request.get("/api/audit/events/{id}", events.get(1).eventId());
            }
        };

        abstract Response get(RequestSpecification request);
    }

    @BeforeEach
    void recordedHistory() {
        if (run == null) {
            Events.Run planned = Events.plan(PREFIX + "-" + UUID.randomUUID().toString().substring(0, 8), "a");
            List<StepProgressUpdated> published = List.of(planned.initialized(), planned.progress("a", 10),
                    planned.progress("a", 20));
            publishAll(published);
            await().atMost(Duration.ofSeconds(30)).until(() -> log.count(planned.projectId()) == 3);
            run = planned;
            events = published;
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

        Response response = unchanged(() -> endpoint.get(request));

        credential.assertUnauthorized(response);
        response.then().body("events", nullValue()).body("event", nullValue());
    }

    static Stream<Object[]> everyEndpointWithEveryOtherScope() {
        // Meant for this service, so only the scope is wrong: tokens minted for other services are 401 (below).
        return SecurityMatrix.withEveryOtherScope(Endpoint.values(), Audiences.AUDIT_CONSUMER, Scopes.OPERATOR);
    }

    static Stream<Object[]> everyEndpointWithTokensForOtherServices() {
        return SecurityMatrix.withTokensForOtherServices(Endpoint.values());
    }

    /** Tokens as really minted for the other services: not meant for this one, whatever their scope. */
    @ParameterizedTest(name = "{0} with a {1} token: 401")
    @MethodSource("everyEndpointWithTokensForOtherServices")
    void aTokenMeantForAnotherServiceIsUnauthorized(Endpoint endpoint, String who, Supplier<String> token) {
        Response response = unchanged(() -> endpoint.get(withToken(token.get())));

        response.then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .body("status", equalTo(401));
    }

    @ParameterizedTest(name = "{0} with a {1} token: 403")
    @MethodSource("everyEndpointWithEveryOtherScope")
    void aValidTokenWithoutTheOperatorScopeIsForbidden(Endpoint endpoint, String who, Supplier<String> token) {
        Response response = unchanged(() -> endpoint.get(withToken(token.get())));

        response.then().statusCode(403).contentType(PROBLEM)
                .header("WWW-Authenticate", containsString("error=\"insufficient_scope\""))
                .body("status", equalTo(403)).body("events", nullValue()).body("event", nullValue());
    }

    @Test
    void anOperatorOfOtherProjectsIsForbiddenThisProjectsHistory() {
        unchanged(() -> Endpoint.PROJECT_EVENTS.get(asOperator("other-*"))).then()
                .statusCode(403).contentType(PROBLEM)
                .body("detail", containsString(run.projectId())).body("events", nullValue());
    }

    /** Its event answers exactly as an id never recorded: the 404 must not confirm that the event exists. */
    @Test
    void anOperatorOfOtherProjectsCannotTellThisProjectsEventFromAnUnknownOne() {
        String hiddenId = events.get(1).eventId().toString();
        String unknownId = UUID.randomUUID().toString();

        Response hidden = unchanged(() -> Endpoint.EVENT.get(asOperator("other-*")));
        Response unknown = asOperator("other-*").get("/api/audit/events/{id}", unknownId);

        hidden.then().statusCode(404).contentType(PROBLEM).body("event", nullValue());
        unknown.then().statusCode(404).contentType(PROBLEM);
        assertThat(hidden.asString().replace(hiddenId, "ID")).isEqualTo(unknown.asString().replace(unknownId, "ID"));
        assertThat(hidden.getHeader("WWW-Authenticate")).isNull();
    }

    @Test
    void anOperatorWhosePatternsAllowTheProjectGetsItsHistory() {
        for (RequestSpecification operator
                : List.of(asOperator(), asOperator(PREFIX + "-*"), asOperator(run.projectId()))) {
            Endpoint.PROJECT_EVENTS.get(operator).then().statusCode(200).body("events.sequence", contains(1, 2, 3));
        }
        for (RequestSpecification operator : List.of(asOperator(), asOperator("other-*", PREFIX + "-*"))) {
            Endpoint.EVENT.get(operator).then().statusCode(200)
                    .body("event.eventId", equalTo(events.get(1).eventId().toString()));
        }
    }

    /** Authentication comes before anything else: an invalid id tells an anonymous caller nothing either. */
    @Test
    void authenticationComesBeforeParameterValidation() {
        given().get("/api/audit/projects/bad%20id/events").then().statusCode(401).contentType(PROBLEM);
        given().get("/api/audit/events/not-a-uuid").then().statusCode(401).contentType(PROBLEM);
        withToken(TestTokens.forAudiences(List.of(Audiences.AUDIT_CONSUMER), Scopes.SUBSCRIBE)).get("/api/audit/events/not-a-uuid").then().statusCode(403);
    }

    @ParameterizedTest(name = "{0} over the body limit: 413")
    @EnumSource(Endpoint.class)
    void anOversizedBodyIsRefused(Endpoint endpoint) {
        unchanged(() -> endpoint.get(asOperator().body("x".repeat(8 * 1024)).contentType("text/plain")))
                .then().statusCode(413);
    }

    /** Runs a refused request and checks that the audit table holds what it held before. */
    private Response unchanged(Supplier<Response> request) {
        long before = log.count(run.projectId());
        Response response = request.get();
        assertThat(log.count(run.projectId())).as("audit rows of %s", run.projectId()).isEqualTo(before);
        return response;
    }
}
