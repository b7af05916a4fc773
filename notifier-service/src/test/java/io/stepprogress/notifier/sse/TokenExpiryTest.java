package io.stepprogress.notifier.sse;

import static io.stepprogress.testkit.EventPublisher.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.notifier.support.Http;
import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.Scopes;
import io.stepprogress.security.TokenIssuer;
import io.stepprogress.testkit.Events;
import io.stepprogress.testkit.SseClient;
import io.stepprogress.testkit.SseClient.SseFrame;
import io.stepprogress.testkit.TestTokens;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Access never outlives the token: open streams end at its expiry, and it opens nothing afterwards. */
@QuarkusTest
class TokenExpiryTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void streamsEndWithAnExpiredFrameAtTheTokensExpiryAndReconnectsAreRefused() {
        Events.Run run = Events.plan("expiry-" + UUID.randomUUID().toString().substring(0, 8), "a");
        publish(run.initialized());
        TokenIssuer.IssuedToken issued = TestTokens.issuer().issue("short-lived", List.of(Scopes.SUBSCRIBE),
                ProjectPatterns.of(run.projectId()), Duration.ofSeconds(3));
        URI events = URI.create(base + "api/projects/" + run.projectId() + "/events");

        AtomicReference<Instant> projectEnded = new AtomicReference<>();
        AtomicReference<Instant> overviewEnded = new AtomicReference<>();
        try (SseClient project = SseClient.connect(events, Http.bearer(issued.token()));
             SseClient overview = SseClient.connect(URI.create(base + "api/events"), Http.cookie(issued.token()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> project.frames().size() == 1);
            assertThat(project.frames().get(0).event()).isEqualTo("snapshot");
            assertThat(project.ended()).as("ended before its expiry").isFalse();

            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> {
                Instant now = Instant.now();
                if (project.ended()) {
                    projectEnded.compareAndSet(null, now);
                }
                if (overview.ended()) {
                    overviewEnded.compareAndSet(null, now);
                }
                return project.ended() && overview.ended();
            });
            for (SseClient client : List.of(project, overview)) {
                SseFrame last = client.frames().get(client.frames().size() - 1);
                assertThat(last.event()).isEqualTo("expired");
                assertThat(last.data()).isEqualTo("{\"reason\":\"subscriber token expired\"}");
            }
        }
        // At the expiry, not before it, and not long after.
        for (Instant ended : List.of(projectEnded.get(), overviewEnded.get())) {
            assertThat(ended).isAfterOrEqualTo(issued.expiresAt().minusMillis(50))
                    .isBefore(issued.expiresAt().plusSeconds(2));
        }

        // The browser's reconnect (same cookie, or header) gets 401, within the verifier's clock skew too.
        for (var credential : List.of(Http.bearer(issued.token()), Http.cookie(issued.token()))) {
            HttpResponse<String> retry = Http.get(events, credential);
            assertThat(retry.statusCode()).isEqualTo(401);
            assertThat(retry.body()).contains("expired");
        }
    }
}
