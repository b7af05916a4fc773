package io.stepprogress.notifier.subscriber;

import static io.stepprogress.testkit.EventPublisher.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.notifier.support.Http;
import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.Scopes;
import io.stepprogress.security.TokenIssuer;
import io.stepprogress.testkit.Events;
import io.stepprogress.testkit.SseClient;
import io.stepprogress.testkit.TestTokens;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The session exchange: a subscriber token in a header becomes an HttpOnly cookie, which then authorizes. */
@QuarkusTest
class SessionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URL base;

    @Test
    void aSingleProjectTokenBecomesACookieForThatProjectsApiOnly() throws Exception {
        String projectId = id("single");
        TokenIssuer.IssuedToken issued = TestTokens.subscriberIssuer().issue("user-1", List.of(Scopes.SUBSCRIBE),
                ProjectPatterns.of(projectId), Duration.ofMinutes(10));

        HttpResponse<String> response = Http.send("POST", uri("api/session"), Http.bearer(issued.token()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("projects")).extracting(JsonNode::asText).containsExactly(projectId);
        assertThat(Instant.parse(body.get("expiresAt").asText())).isEqualTo(issued.expiresAt());
        assertThat(body.get("path").asText()).isEqualTo("/api/projects/" + projectId + "/");
        assertThat(response.body()).doesNotContain(issued.token());

        Cookie cookie = Cookie.parse(response.headers().allValues("Set-Cookie"));
        assertThat(cookie.name()).isEqualTo("progress_subscriber");
        assertThat(cookie.value()).isEqualTo(issued.token());
        assertThat(cookie.attribute("Path")).isEqualTo("/api/projects/" + projectId + "/");
        assertThat(Long.parseLong(cookie.attribute("Max-Age"))).isBetween(590L, 600L);
        assertThat(cookie.has("HttpOnly")).isTrue();
        assertThat(cookie.attribute("SameSite")).isEqualTo("Strict");
        assertThat(cookie.has("Secure")).as("plain HTTP with notifier.session.secure=auto").isFalse();
    }

    @Test
    void aPatternTokenBecomesACookieForTheWholeApi() throws Exception {
        for (var token : Map.of(TestTokens.subscriber("acme-*"), List.of("acme-*"),
                TestTokens.subscriber(), List.of("*")).entrySet()) {
            HttpResponse<String> response = Http.send("POST", uri("api/session"), Http.bearer(token.getKey()));
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.get("projects")).extracting(JsonNode::asText).containsExactlyElementsOf(token.getValue());
            assertThat(body.get("path").asText()).isEqualTo("/api/");
            assertThat(Cookie.parse(response.headers().allValues("Set-Cookie")).attribute("Path")).isEqualTo("/api/");
        }
    }

    @Test
    void getSessionDescribesTheCookieOrHeaderPresented() throws Exception {
        String token = TestTokens.subscriber("acme-*");
        String posted = Http.send("POST", uri("api/session"), Http.bearer(token)).body();

        for (Map<String, String> credential : List.of(Http.cookie(token), Http.bearer(token))) {
            HttpResponse<String> current = Http.get(uri("api/session"), credential);
            assertThat(current.statusCode()).isEqualTo(200);
            assertThat(current.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(JSON.readTree(current.body())).isEqualTo(JSON.readTree(posted));
            assertThat(current.headers().allValues("Set-Cookie")).isEmpty();
        }
        assertThat(Http.get(uri("api/session"), Map.of()).statusCode()).isEqualTo(401);
        HttpResponse<String> expired = Http.get(uri("api/session"), Http.cookie(TestTokens.expired(Scopes.SUBSCRIBE)));
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(expired.body()).get("detail").asText()).contains("expired");
    }

    @Test
    void deleteClearsTheCookies() {
        HttpResponse<String> all = Http.send("DELETE", uri("api/session"), Map.of());
        assertThat(all.statusCode()).isEqualTo(204);
        assertThat(all.headers().allValues("Set-Cookie")).singleElement().satisfies(header -> {
            Cookie cookie = Cookie.parse(List.of(header));
            assertThat(cookie.value()).isEmpty();
            assertThat(cookie.attribute("Path")).isEqualTo("/api/");
            assertThat(cookie.attribute("Max-Age")).isEqualTo("0");
        });

        HttpResponse<String> both = Http.send("DELETE", uri("api/session?projectId=p-1"), Map.of());
        assertThat(both.statusCode()).isEqualTo(204);
        assertThat(both.headers().allValues("Set-Cookie")).extracting(h -> Cookie.parse(List.of(h)).attribute("Path"))
                .containsExactlyInAnyOrder("/api/", "/api/projects/p-1/");
        assertThat(both.headers().allValues("Set-Cookie")).allSatisfy(h -> assertThat(h).contains("Max-Age=0"));

        HttpResponse<String> bad = Http.send("DELETE", uri("api/session?projectId=a%3B%20Path%3D%2F"), Map.of());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void theCookieAuthorizesStreamsAndReads() {
        Events.Run run = Events.plan(id("cookie"), "a");
        publish(run.initialized());
        String token = TestTokens.subscriber(run.projectId());
        String cookie = Cookie.parse(Http.send("POST", uri("api/session"), Http.bearer(token))
                .headers().allValues("Set-Cookie")).value();

        await().atMost(WAIT).until(() -> Http.get(uri("api/projects/" + run.projectId() + "/progress"),
                Http.cookie(cookie)).statusCode() == 200);
        assertThat(Http.get(uri("api/projects/" + run.projectId() + "/progress"), Http.cookie(cookie)).headers()
                .firstValue("Cache-Control")).as("one subscriber's data is not for shared caches").hasValue("no-store");
        try (SseClient stream = SseClient.connect(uri("api/projects/" + run.projectId() + "/events"),
                Http.cookie(cookie))) {
            await().atMost(WAIT).until(() -> stream.frames().size() == 1);
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.frames().get(0).event()).isEqualTo("snapshot");
        }
    }

    /** A browser sends every cookie whose path matches, most specific first: any one that allows is enough. */
    @Test
    void anyOfSeveralCookiesMayAuthorize() {
        Events.Run run = Events.plan(id("several"), "a");
        publish(run.initialized());
        String mine = TestTokens.subscriber(run.projectId());
        String other = TestTokens.subscriber("other-*");
        String expired = TestTokens.expired(Scopes.SUBSCRIBE);
        URI progress = uri("api/projects/" + run.projectId() + "/progress");
        await().atMost(WAIT).until(() -> Http.get(progress, Http.cookie(mine)).statusCode() == 200);

        for (String header : List.of(
                "progress_subscriber=" + mine + "; progress_subscriber=" + other,
                "theme=dark; progress_subscriber=" + other + "; progress_subscriber=" + mine,
                "progress_subscriber=" + expired + "; progress_subscriber=\"" + mine + "\"")) {
            assertThat(Http.get(progress, Map.of("Cookie", header)).statusCode()).as(header).isEqualTo(200);
        }
        assertThat(Http.get(progress, Map.of("Cookie", "progress_subscriber=" + other + "; progress_subscriber="
                + expired)).statusCode()).as("a valid token for something else is the telling refusal").isEqualTo(403);
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static String id(String prefix) {
        return "session-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** One Set-Cookie header, read as a browser reads it. */
    record Cookie(String name, String value, List<String> attributes) {

        static Cookie parse(List<String> setCookie) {
            assertThat(setCookie).hasSize(1);
            String[] parts = setCookie.get(0).split(";");
            String[] pair = parts[0].split("=", 2);
            return new Cookie(pair[0].trim(), pair[1].trim(),
                    Arrays.stream(parts).skip(1).map(String::trim).toList());
        }

        boolean has(String flag) {
            return attributes.stream().anyMatch(a -> a.equalsIgnoreCase(flag));
        }

        String attribute(String name) {
            return attributes.stream().filter(a -> a.regionMatches(true, 0, name + "=", 0, name.length() + 1))
                    .map(a -> a.substring(name.length() + 1)).findFirst().orElse(null);
        }
    }
}
