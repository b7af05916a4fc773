package io.stepprogress.progress.subscription;

import static io.stepprogress.progress.support.ProgressApi.asWorker;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A deployment without a signing key still runs; only subscriber tokens are unavailable, and it says why. */
@QuarkusTest
@TestProfile(SubscriberTokensNotConfiguredTest.NoSigningKey.class)
class SubscriberTokensNotConfiguredTest {

    public static class NoSigningKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // An empty value is no value: this overrides the key file InfrastructureTestResource points at.
            // The relay is not under test here; the other test classes own the replication slot.
            return Map.of("progress.security.signing-key-location", "", "progress.relay.enabled", "false");
        }
    }

    @Test
    void theEndpointAnswers503AndEverythingElseWorks() {
        String project = newProjectId("nokey");

        asWorker().contentType("application/json").post("/api/projects/{p}/subscriber-tokens", project).then()
                .statusCode(503).contentType("application/problem+json")
                .body("status", equalTo(503))
                .body("detail", equalTo("subscriber tokens are not configured: set progress.security.signing-key"));
        start(project, plan("a")).statusCode(201);
    }
}
