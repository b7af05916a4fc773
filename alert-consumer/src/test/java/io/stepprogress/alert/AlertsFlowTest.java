package io.stepprogress.alert;

import static io.stepprogress.testkit.ApiRequests.asOperator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.common.mapper.TypeRef;
import io.stepprogress.alert.support.Kafka;
import io.stepprogress.testkit.Management;
import io.stepprogress.alert.support.Metrics;
import io.stepprogress.testkit.PrometheusMetrics;
import io.stepprogress.alert.support.Ready;
import io.stepprogress.alert.support.TestRun;
import io.stepprogress.event.StepProgressUpdated;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real events through the real broker: the metrics move, stalls and failures are alerted and cleared,
 * duplicates and poison change nothing. Every run ends its initialization, so gauges return to their baseline.
 */
@QuarkusTest
class AlertsFlowTest {

    private static final String ACTIVE = "progress_initializations_active";
    private static final String STALLED = "progress_initializations_stalled";
    private static final String FINISHED = "progress_initializations_finished_total";
    private static final String DURATION_COUNT = "progress_initialization_duration_seconds_count";

    private final String suffix = UUID.randomUUID().toString().substring(0, 6);

    @BeforeEach
    void ready() {
        Ready.waitUntilReady();
    }

    @Test
    void metricsMoveAsEventsArrive() {
        String fetch = "fetch-" + suffix;
        String build = "build-" + suffix;
        TestRun run = TestRun.of("metrics", fetch, build);
        PrometheusMetrics before = Metrics.scrape();

        Kafka.publish(run.start(), run.progress(fetch, 50), run.complete(fetch), run.progress(build, 10));
        eventually().untilAsserted(() -> {
            PrometheusMetrics now = Metrics.scrape();
            assertThat(now.value("alert_events_applied_total")).isEqualTo(before.value("alert_events_applied_total") + 4);
            assertThat(now.value(ACTIVE)).isEqualTo(before.value(ACTIVE) + 1);
            assertThat(now.value("progress_event_lag_seconds_count"))
                    .isEqualTo(before.value("progress_event_lag_seconds_count") + 4);
            assertThat(now.value("progress_step_duration_seconds_count", "step", fetch)).isEqualTo(1);
            assertThat(now.value("progress_step_duration_seconds_bucket", "step", fetch, "le", "+Inf")).isEqualTo(1);
        });

        Kafka.publish(run.complete(build));
        eventually().untilAsserted(() -> {
            PrometheusMetrics now = Metrics.scrape();
            assertThat(now.value(ACTIVE)).isEqualTo(before.value(ACTIVE));
            assertThat(now.value(FINISHED, "outcome", "completed"))
                    .isEqualTo(before.value(FINISHED, "outcome", "completed") + 1);
            assertThat(now.value(DURATION_COUNT, "outcome", "completed"))
                    .isEqualTo(before.value(DURATION_COUNT, "outcome", "completed") + 1);
            assertThat(now.value("progress_step_duration_seconds_count", "step", build)).isEqualTo(1);
        });
        // Labels come from plans only: a project id never becomes a label value.
        assertThat(Metrics.scrape().matching("progress_step_duration_seconds_count"))
                .noneMatch(s -> s.labels().values().stream().anyMatch(v -> v.contains(run.projectId())));
    }

    @Test
    void aStalledInitializationIsAlertedUntilItMovesAndUntilItEnds() {
        TestRun run = TestRun.of("stalling", "provision", "deploy");
        double stalledBefore = Metrics.scrape().value(STALLED);

        Kafka.publish(run.start());
        StepProgressUpdated quiet = run.progress("provision", 40);
        Kafka.publish(quiet);
        // alert.stall-after is 2s in tests, evaluated every second
        eventually().untilAsserted(() -> {
            assertThat(alerts("stalled", run)).singleElement().satisfies(alert -> {
                assertThat(alert).containsEntry("type", "stalled").containsEntry("step", "provision");
                assertThat(Instant.parse((String) alert.get("since"))).isEqualTo(quiet.occurredAt());
                assertThat((String) alert.get("message")).contains("provision").contains("40%");
            });
            assertThat(Metrics.scrape().value(STALLED)).isEqualTo(stalledBefore + 1);
        });
        assertThat(alerts("failed", run)).isEmpty();
        assertThat(alerts(null, run)).hasSize(1);

        // It moves: the alert goes at once (stall-after later it would be back).
        StepProgressUpdated moved = run.progress("provision", 60);
        Kafka.publish(moved);
        eventually().pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            assertThat(alerts("stalled", run)).isEmpty();
            assertThat(Metrics.scrape().value(STALLED)).isEqualTo(stalledBefore);
        });
        eventually().untilAsserted(() -> assertThat(alerts("stalled", run)).singleElement()
                .satisfies(alert -> assertThat(Instant.parse((String) alert.get("since"))).isEqualTo(moved.occurredAt())));

        // It ends: the alert goes for good.
        Kafka.publish(run.complete("provision"), run.complete("deploy"));
        eventually().untilAsserted(() -> {
            assertThat(alerts("stalled", run)).isEmpty();
            assertThat(Metrics.scrape().value(STALLED)).isEqualTo(stalledBefore);
        });
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> alerts(null, run).isEmpty());
    }

    @Test
    void aFailureIsCountedOnceAndListedAndDuplicatesChangeNothing() {
        String migrate = "migrate-" + suffix;
        TestRun run = TestRun.of("failing", migrate);
        PrometheusMetrics before = Metrics.scrape();

        StepProgressUpdated start = run.start();
        StepProgressUpdated progress = run.progress(migrate, 30);
        StepProgressUpdated fail = run.fail(migrate, "disk full");
        // The relay delivers at least once: the same events again, and older ones, must not count twice.
        Kafka.publish(start, progress, fail, fail, start, progress);

        eventually().untilAsserted(() -> assertThat(Metrics.scrape().value("alert_events_dropped_total"))
                .isEqualTo(before.value("alert_events_dropped_total") + 3));
        PrometheusMetrics after = Metrics.scrape();
        assertThat(after.value("progress_step_failures_total", "step", migrate)).isEqualTo(1);
        assertThat(after.value(FINISHED, "outcome", "failed")).isEqualTo(before.value(FINISHED, "outcome", "failed") + 1);
        assertThat(after.value(DURATION_COUNT, "outcome", "failed"))
                .isEqualTo(before.value(DURATION_COUNT, "outcome", "failed") + 1);
        assertThat(after.value(ACTIVE)).isEqualTo(before.value(ACTIVE));

        assertThat(alerts("failed", run)).singleElement().satisfies(alert -> {
            assertThat(alert).containsEntry("type", "failed").containsEntry("projectId", run.projectId())
                    .containsEntry("step", migrate);
            assertThat(Instant.parse((String) alert.get("since"))).isEqualTo(fail.occurredAt());
            assertThat((String) alert.get("message")).contains("disk full");
        });
        assertThat(alerts("stalled", run)).isEmpty();

        // A restart supersedes the failure.
        Kafka.publish(run.start());
        eventually().untilAsserted(() -> assertThat(alerts("failed", run)).isEmpty());
        Kafka.publish(run.cancel("test over"));
        eventually().untilAsserted(() -> assertThat(Metrics.scrape().value(ACTIVE)).isEqualTo(before.value(ACTIVE)));
        assertThat(Metrics.scrape().value("progress_step_failures_total", "step", migrate)).isEqualTo(1);
    }

    @Test
    void unreadableRecordsAreCountedAndSkipped() {
        TestRun run = TestRun.of("after-poison", "a");
        PrometheusMetrics before = Metrics.scrape();

        Kafka.publishRaw(run.projectId(), "{not json".getBytes(StandardCharsets.UTF_8));
        Kafka.publishRaw(run.projectId(), "{\"projectId\":\"x\",\"sequence\":0}".getBytes(StandardCharsets.UTF_8));
        // Parses, but has no status to act on.
        Kafka.publishRaw(run.projectId(), ("{\"eventId\":\"" + UUID.randomUUID() + "\",\"projectId\":\"" + run.projectId()
                + "\",\"sequence\":1,\"initialization\":{\"projectId\":\"" + run.projectId() + "\",\"steps\":[]}}")
                .getBytes(StandardCharsets.UTF_8));
        Kafka.publish(run.start(), run.cancel("test over"));

        eventually().untilAsserted(() -> {
            PrometheusMetrics now = Metrics.scrape();
            assertThat(now.value("alert_events_unreadable_total"))
                    .isEqualTo(before.value("alert_events_unreadable_total") + 3);
            assertThat(now.value(FINISHED, "outcome", "cancelled"))
                    .isEqualTo(before.value(FINISHED, "outcome", "cancelled") + 1);
        });
    }

    @Test
    void anUnknownTypeIsAProblem() {
        asOperator().queryParam("type", "sleeping").get("/api/alerts").then().statusCode(400)
                .contentType("application/problem+json").body("status", equalTo(400))
                .body("detail", containsString("stalled, failed"));
        asOperator().queryParam("type", "failed").get("/api/alerts").then().statusCode(200)
                .contentType("application/json");
        asOperator().get("/api/alerts").then().statusCode(200).contentType("application/json");
    }

    /** On the management port (the public port's refusal: ManagementInterfaceTest). */
    @Test
    void healthAndMetricsAreServed() {
        Management.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("alert-state"));
        Management.given().get("/q/health/live").then().statusCode(200);
        Management.given().get("/q/metrics").then().statusCode(200)
                .body(containsString("progress_initializations_active"));
    }

    /** The project's alerts of that type (null: all). */
    static List<Map<String, Object>> alerts(String type, TestRun run) {
        var request = asOperator();
        if (type != null) {
            request.queryParam("type", type);
        }
        List<Map<String, Object>> all = request.get("/api/alerts").then().statusCode(200).extract()
                .as(new TypeRef<List<Map<String, Object>>>() {
                });
        return all.stream().filter(a -> run.projectId().equals(a.get("projectId"))).toList();
    }

    static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100));
    }
}
