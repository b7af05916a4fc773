package io.stepprogress.alert;

import static io.stepprogress.testkit.ApiRequests.asOperator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.common.mapper.TypeRef;
import io.stepprogress.alert.support.Kafka;
import io.stepprogress.alert.support.Metrics;
import io.stepprogress.testkit.PrometheusMetrics;
import io.stepprogress.alert.support.Ready;
import io.stepprogress.alert.support.TestRun;
import io.stepprogress.event.StepProgressUpdated;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A restart: before the application starts, history is published and the group's offsets are committed
 * after it (what the previous instance would have left), then more events follow. On assignment the history
 * is re-read into memory without being counted; what follows the committed offsets is counted, once.
 */
@QuarkusTest
@TestProfile(RebuildOnAssignmentTest.Restarted.class)
class RebuildOnAssignmentTest {

    @Test
    void historyBeforeTheCommittedOffsetIsStateOnlyAndWhatFollowsIsCountedOnce() {
        Ready.waitUntilReady();
        Config config = ConfigProvider.getConfig();
        String suffix = config.getValue("rebuild-test.suffix", String.class);
        String quiet = config.getValue("rebuild-test.quiet", String.class);

        // Stalled since 10 minutes before this instance started: alerted all the same.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(alerts("stalled"))
                .filteredOn(a -> quiet.equals(a.get("projectId"))).singleElement()
                .satisfies(alert -> assertThat(alert).containsEntry("step", "wait-" + suffix)));
        assertThat(alerts("failed")).filteredOn(a -> a.get("projectId")
                        .equals(config.getValue("rebuild-test.failed-recently", String.class)))
                .singleElement().satisfies(alert -> assertThat(Instant.parse((String) alert.get("since")))
                        .isEqualTo(Instant.parse(config.getValue("rebuild-test.failed-recently-at", String.class))));
        // Failed beyond alert.failed-retention: not an alert any more.
        assertThat(alerts(null)).noneMatch(a -> a.get("projectId")
                .equals(config.getValue("rebuild-test.failed-long-ago", String.class)));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Metrics.scrape()
                .value("progress_step_failures_total", "step", "live-" + suffix)).isEqualTo(1));
        // The redelivered history may sit on another partition than the live event: wait for its drop too.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Metrics.scrape()
                .value("alert_events_dropped_total")).isEqualTo(1));
        PrometheusMetrics metrics = Metrics.scrape();
        assertThat(metrics.has("progress_step_failures_total", "step", "history-" + suffix)).isFalse();
        // Only the live failure counts; the redelivered one of the history is a duplicate.
        assertThat(metrics.value("progress_initializations_finished_total", "outcome", "failed")).isEqualTo(1);
        assertThat(metrics.value("alert_events_dropped_total")).isEqualTo(1);
        assertThat(metrics.value("progress_initializations_stalled")).isGreaterThanOrEqualTo(1);
        assertThat(metrics.value("alert_state_rebuild_complete")).isEqualTo(1);
    }

    private static List<Map<String, Object>> alerts(String type) {
        var request = asOperator();
        if (type != null) {
            request.queryParam("type", type);
        }
        return request.get("/api/alerts").then().statusCode(200).extract()
                .as(new TypeRef<List<Map<String, Object>>>() {
                });
    }

    public static final class Restarted implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(History.class));
        }
    }

    /** Runs before the application: history, the group's committed offsets, then live events. */
    public static final class History implements QuarkusTestResourceLifecycleManager {

        private TestRun quiet;

        @Override
        public Map<String, String> start() {
            String suffix = UUID.randomUUID().toString().substring(0, 6);
            String group = "alert-consumer-restarted-" + suffix;
            Instant now = Instant.now();

            quiet = TestRun.of("quiet", "wait-" + suffix).at(now.minus(Duration.ofMinutes(10)));
            TestRun failedRecently = TestRun.of("failed-recently", "history-" + suffix)
                    .at(now.minus(Duration.ofMinutes(5)));
            TestRun failedLongAgo = TestRun.of("failed-long-ago", "history-" + suffix).at(now.minus(Duration.ofHours(3)));
            StepProgressUpdated recentStart = failedRecently.start();
            StepProgressUpdated recentFailure = failedRecently.fail("history-" + suffix, "history");
            Kafka.publish(quiet.start(), quiet.progress("wait-" + suffix, 20), recentStart, recentFailure,
                    failedLongAgo.start(), failedLongAgo.fail("history-" + suffix, "old"));
            Kafka.commitEnd(group);

            TestRun live = TestRun.of("live", "live-" + suffix);
            Kafka.publish(recentFailure, live.start(), live.fail("live-" + suffix, "live"));
            return Map.of(
                    "mp.messaging.incoming.project-progress.group.id", group,
                    "rebuild-test.suffix", suffix,
                    "rebuild-test.quiet", quiet.projectId(),
                    "rebuild-test.failed-recently", failedRecently.projectId(),
                    "rebuild-test.failed-recently-at", recentFailure.occurredAt().toString(),
                    "rebuild-test.failed-long-ago", failedLongAgo.projectId());
        }

        /** Leaves nothing running (stalled) for the applications that re-read this history later. */
        @Override
        public void stop() {
            if (quiet != null) {
                Kafka.publish(quiet.at(null).cancel("test over"));
            }
        }
    }
}
