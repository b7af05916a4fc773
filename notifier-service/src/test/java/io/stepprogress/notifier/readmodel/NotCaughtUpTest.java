package io.stepprogress.notifier.readmodel;

import static io.stepprogress.notifier.support.Subscribers.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.stepprogress.notifier.support.Subscribers;
import io.stepprogress.testkit.SseClient;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A read model that has not caught up (here: Kafka never assigns the partitions) may hold an older state than
 * clients have seen: every read answers 503 with Retry-After instead, and the instance is not ready.
 */
@QuarkusTest
@TestProfile(NotCaughtUpTest.KafkaUnreachable.class)
class NotCaughtUpTest {

    @TestHTTPResource("/")
    URL base;

    @TestHTTPResource(value = "health/ready", management = true)
    URL readiness;

    @Test
    void nothingIsServedBeforeTheReadModelHasCaughtUp() {
        RestAssured.given().get(readiness).then().statusCode(503);
        given().get("/api/projects/{p}/progress", "any-project").then().statusCode(503)
                .contentType("application/problem+json").header("Retry-After", "2").body("status", equalTo(503));
        given().get("/api/projects").then().statusCode(503).contentType("application/problem+json");
        for (String path : new String[] {"api/projects/any-project/events", "api/events"}) {
            try (SseClient client = Subscribers.stream(URI.create(base + path))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> client.status() != 0);
                assertThat(client.status()).isEqualTo(503);
                assertThat(client.contentType()).isEqualTo("application/problem+json");
            }
        }
    }

    public static class KafkaUnreachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.incoming.project-progress.bootstrap.servers", "127.0.0.1:1");
        }
    }
}
