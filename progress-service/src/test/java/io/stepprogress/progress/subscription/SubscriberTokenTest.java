package io.stepprogress.progress.subscription;

import static io.restassured.RestAssured.given;
import static io.stepprogress.progress.support.ProgressApi.asWorker;
import static io.stepprogress.progress.support.ProgressApi.management;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.stepprogress.progress.support.NoTrace;
import io.stepprogress.security.Audiences;
import io.stepprogress.security.DevKeys;
import io.stepprogress.security.Scopes;
import io.stepprogress.security.TokenClaims;
import io.stepprogress.testkit.PrometheusMetrics;
import io.stepprogress.testkit.TestTokens;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Subscriber tokens as notifier-service will see them: signed by a trusted key, one project, subscribe only. */
@QuarkusTest
class SubscriberTokenTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aWorkerGetsAShortLivedSubscribeOnlyTokenForOneProject() throws Exception {
        String project = newProjectId("sub"); // not started: a host app may issue the token first
        double issuedBefore = issuedTotal();

        ExtractableResponse<Response> response = asWorker().contentType("application/json")
                .body(Map.of("subject", "user-42", "ttlSeconds", 300))
                .post("/api/projects/{p}/subscriber-tokens", project).then()
                .statusCode(201)
                .contentType("application/json")
                .header("Cache-Control", "no-store")
                .body("tokenType", equalTo("Bearer"))
                .body("projectId", equalTo(project))
                .body("scope", equalTo(Scopes.SUBSCRIBE))
                .body("expiresIn", equalTo(300))
                .extract();
        long now = Instant.now().getEpochSecond();

        JwtClaims claims = verify(response.path("token"));
        assertThat(claims.getIssuer()).isEqualTo(TokenClaims.DEFAULT_ISSUER);
        assertThat(claims.getSubject()).isEqualTo("user-42");
        assertThat(claims.getStringClaimValue(TokenClaims.SCOPE)).isEqualTo(Scopes.SUBSCRIBE);
        assertThat(claims.getStringListClaimValue(TokenClaims.PROJECTS)).containsExactly(project);
        assertThat(claims.getExpirationTime().getValue()).isCloseTo(now + 300, within(10L));
        assertThat(Instant.parse(response.path("expiresAt")).getEpochSecond())
                .isEqualTo(claims.getExpirationTime().getValue());
        assertThat(issuedTotal()).isEqualTo(issuedBefore + 1);
        assertThat(NoTrace.rows(dataSource, project)).as("issuing creates nothing").isEqualTo("none");
    }

    @Test
    void withoutABodyTheSubjectIsTheCallersAndTheLifetimeTheConfiguredDefault() throws Exception {
        String project = newProjectId("sub");

        String token = asWorker().contentType("application/json").post("/api/projects/{p}/subscriber-tokens", project).then().statusCode(201)
                .body("expiresIn", equalTo(600)).extract().path("token");

        JwtClaims claims = verify(token);
        assertThat(claims.getSubject()).isEqualTo("test"); // TestTokens' subject
        assertThat(claims.getExpirationTime().getValue()).isCloseTo(Instant.now().getEpochSecond() + 600, within(10L));
    }

    @ParameterizedTest(name = "ttlSeconds {0}")
    @ValueSource(strings = {"0", "-5", "3601", "9999999999"})
    void aLifetimeOutsideOneSecondToTheMaximumIsRefused(String ttl) {
        double issuedBefore = issuedTotal();

        asWorker().contentType("application/json").body("{\"ttlSeconds\":" + ttl + "}")
                .post("/api/projects/{p}/subscriber-tokens", newProjectId("sub")).then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("ttlSeconds must be between 1 and 3600"));
        assertThat(issuedTotal()).isEqualTo(issuedBefore);
    }

    @ParameterizedTest(name = "subject \"{0}\"")
    @ValueSource(strings = {"", "user 42", "user/42", "<script>"})
    void aSubjectOutsideItsCharactersIsRefused(String subject) {
        asWorker().contentType("application/json").body(Map.of("subject", subject))
                .post("/api/projects/{p}/subscriber-tokens", newProjectId("sub")).then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("subject must match"));
        asWorker().contentType("application/json").body(Map.of("subject", "u".repeat(129)))
                .post("/api/projects/{p}/subscriber-tokens", newProjectId("sub")).then()
                .statusCode(400).contentType("application/problem+json");
    }

    /** Signed by the subscriber key, which this service does not trust, and meant for notifier-service. */
    @Test
    void aSubscriberTokenCannotWriteNorRead() throws Exception {
        String project = newProjectId("sub");
        String token = asWorker().contentType("application/json").post("/api/projects/{p}/subscriber-tokens", project).then().statusCode(201)
                .extract().path("token");

        given().header("Authorization", TestTokens.bearer(token)).contentType("application/json")
                .body(Map.of("steps", plan("a"))).put("/api/projects/{p}/initialization", project).then()
                .statusCode(401).contentType("application/problem+json");
        given().header("Authorization", TestTokens.bearer(token)).get("/api/projects/{p}/progress", project).then()
                .statusCode(401);
        given().header("Authorization", TestTokens.bearer(token)).contentType("application/json")
                .post("/api/projects/{p}/subscriber-tokens", project)
                .then().statusCode(401);
        NoTrace.assertNeverStarted(dataSource, project);
    }

    @Test
    void subscriberTokensAreSignedByTheSubscriberKeyForNotifierServiceAndNameTheirProject() throws Exception {
        String token = asWorker().contentType("application/json")
                .post("/api/projects/{p}/subscriber-tokens", newProjectId("sub")).then().statusCode(201)
                .extract().path("token");

        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(token);
        assertThat(jws.getKeyIdHeaderValue()).isEqualTo(DevKeys.temporary().subscriberKey().keyId());
        assertThat(verify(token).getAudience()).containsExactly(Audiences.NOTIFIER_SERVICE);
    }

    @Test
    void aWorkerForAPatternGetsTokensForTheProjectsItMatchesOnly() {
        String acmeWorker = TestTokens.bearer(TestTokens.worker("acme-*"));

        given().header("Authorization", acmeWorker).contentType("application/json").post("/api/projects/acme-1/subscriber-tokens").then()
                .statusCode(201).body("projectId", equalTo("acme-1"));
        given().header("Authorization", acmeWorker).contentType("application/json").post("/api/projects/other/subscriber-tokens").then()
                .statusCode(403).contentType("application/problem+json")
                .body("detail", equalTo("the token is not valid for project 'other'"));
    }

    @Test
    void theTokenNamesTheProjectItWasIssuedFor() throws Exception {
        // A worker's wildcard never leaks into the subscriber token: it is for the one project asked for.
        String token = given().header("Authorization", TestTokens.bearer(TestTokens.worker("acme-*")))
                .contentType("application/json").post("/api/projects/acme-7/subscriber-tokens").then().statusCode(201).extract().path("token");
        assertThat(verify(token).getStringListClaimValue(TokenClaims.PROJECTS)).isEqualTo(List.of("acme-7"));
    }

    private static JwtClaims verify(String token) throws Exception {
        return new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(
                        new JsonWebKeySet(DevKeys.temporary().subscriberKey().publicJwks()).getJsonWebKeys()))
                .setExpectedIssuer(TokenClaims.DEFAULT_ISSUER)
                .setExpectedAudience(Audiences.NOTIFIER_SERVICE)
                .setRequireExpirationTime()
                .setRequireSubject()
                .build()
                .processToClaims(token);
    }

    private static double issuedTotal() {
        String metrics = management().get("/q/metrics").then().statusCode(200).extract().asString();
        PrometheusMetrics parsed = PrometheusMetrics.parse(metrics);
        assertThat(parsed.has("progress_subscriber_tokens_issued_total")).as("exported from startup on").isTrue();
        return parsed.value("progress_subscriber_tokens_issued_total");
    }
}
