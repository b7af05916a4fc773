package io.stepprogress.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.stepprogress.alert.support.Kafka;
import io.stepprogress.alert.support.Metrics;
import io.stepprogress.alert.support.TestRun;
import io.stepprogress.testkit.Management;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A re-read of history that runs out of time leaves the state partial (quiet, stalled initializations may be
 * missing): the instance must not say it is ready, and the gauge must say the rebuild is incomplete.
 */
@QuarkusTest
@TestProfile(RebuildTimeoutTest.NoTimeToRebuild.class)
class RebuildTimeoutTest {

    @Test
    void aRebuildThatTimesOutIsNotReadyAndSaysSo() {
        // Wait for the attempt, not for readiness: the partitions are assigned once the re-read gave up.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> !alertState().getString("data.assignedPartitions").equals("[]")
                        && !alertState().getBoolean("data.rebuilding"));

        Map<String, Object> state = alertState().getMap("");
        assertThat(state).containsEntry("status", "DOWN");
        assertThat(alertState().getString("data.incompletePartitions")).isNotEqualTo("[]");
        assertThat(Management.given().get("/q/health/ready").statusCode()).isEqualTo(503);
        assertThat(Metrics.scrape().value("alert_state_rebuild_complete")).isZero();
    }

    private static JsonPath alertState() {
        JsonPath health = Management.given().get("/q/health/ready").then().extract().jsonPath();
        return new JsonPath(health.prettify()).setRootPath("checks.find { it.name == 'alert-state' }");
    }

    public static final class NoTimeToRebuild implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("alert.rebuild.timeout", "PT0S");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(History.class));
        }
    }

    /** A group that never committed: every partition's past is history, and there is some to re-read. */
    public static final class History implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            TestRun run = TestRun.of("timeout", "a");
            Kafka.publish(run.start(), run.cancel("history only"));
            return Map.of("mp.messaging.incoming.project-progress.group.id",
                    "alert-consumer-timeout-" + UUID.randomUUID().toString().substring(0, 6));
        }

        @Override
        public void stop() {
        }
    }
}
