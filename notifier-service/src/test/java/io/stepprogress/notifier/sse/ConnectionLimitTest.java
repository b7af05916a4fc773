package io.stepprogress.notifier.sse;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.notifier.support.Http;
import io.stepprogress.testkit.PrometheusMetrics;
import io.stepprogress.testkit.SseClient;
import io.stepprogress.testkit.TestTokens;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** One token holds at most notifier.sse.max-connections-per-token (8) streams; the 9th is a 429, counted. */
@QuarkusTest
class ConnectionLimitTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URL base;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @Test
    void theNinthStreamOfOneTokenIsRefusedUntilOneCloses() {
        String token = TestTokens.subscriber();
        URI project = URI.create(base + "api/projects/limit-" + UUID.randomUUID().toString().substring(0, 8)
                + "/events");
        URI overview = URI.create(base + "api/events");
        double refusedBefore = refusedOverLimit();
        List<SseClient> open = new ArrayList<>();
        try {
            // Project streams and overview streams count together: it is the token that is limited.
            for (int i = 0; i < 8; i++) {
                SseClient client = SseClient.connect(i % 2 == 0 ? project : overview,
                        i % 3 == 0 ? Http.cookie(token) : Http.bearer(token));
                open.add(client);
                await().atMost(WAIT).until(() -> client.status() == 200);
            }

            HttpResponse<String> ninth = Http.get(project, Http.bearer(token));
            assertThat(ninth.statusCode()).isEqualTo(429);
            assertThat(ninth.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(ninth.headers().firstValue("Retry-After").map(Long::parseLong)).hasValueSatisfying(
                    seconds -> assertThat(seconds).isPositive());
            assertThat(ninth.body()).contains("\"status\":429");
            assertThat(Http.get(overview, Http.cookie(token)).statusCode()).isEqualTo(429);
            assertThat(refusedOverLimit() - refusedBefore).isEqualTo(2);

            // Another token is not affected.
            try (SseClient other = SseClient.connect(project, Http.bearer(TestTokens.subscriber()))) {
                await().atMost(WAIT).until(() -> other.status() == 200);
            }

            // Once one closes, the token may open another.
            open.remove(0).close();
            await().atMost(WAIT).untilAsserted(() -> {
                SseClient again = SseClient.connect(project, Http.bearer(token));
                await().atMost(WAIT).until(() -> again.status() != 0 || again.ended());
                if (again.status() == 200) {
                    open.add(again);
                } else {
                    again.close();
                }
                assertThat(again.status()).isEqualTo(200);
            });
        } finally {
            open.forEach(SseClient::close);
        }
    }

    private double refusedOverLimit() {
        return PrometheusMetrics.parse(given().get(metrics).then().statusCode(200).extract().asString())
                .value("notifier_sse_refused_total", "reason", "too-many-connections");
    }
}
