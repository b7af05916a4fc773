package io.stepprogress.alert.lag;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.alert.support.Kafka;
import io.stepprogress.alert.support.Metrics;
import io.stepprogress.alert.support.TestRun;
import io.stepprogress.event.ProgressTopics;
import io.stepprogress.testkit.PrometheusMetrics;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Lag read from the broker's committed offsets, for a group with no consumer running at all (what a stuck,
 * closed or dead consumer looks like from outside): it grows with every record published, and drops to zero
 * once the group commits the end. Against the real test broker; the probe is called directly, not waited for.
 */
@QuarkusTest
class ConsumerGroupLagProbeTest {

    /** In %test.alert.lag-probe.groups; nothing consumes with it, the test commits its offsets. */
    private static final String GROUP = "lag-probe-test";
    /** Also configured, never committed. */
    private static final String NEVER_COMMITTED = "lag-probe-never-committed";

    @Inject
    ConsumerGroupLagProbe probe;

    @Test
    void lagIsTheEndOffsetMinusTheCommittedOffsetOfEachPartition() {
        Kafka.commitEnd(GROUP);
        assertThat(probe.probe()).isTrue();
        PrometheusMetrics before = Metrics.scrape();
        assertThat(before.value("consumer_group_lag_probe_success")).isEqualTo(1.0);
        assertThat(lags(before)).as("every partition of the topic, all caught up").isNotEmpty()
                .allSatisfy((partition, lag) -> assertThat(lag).isZero());
        Map<String, Double> committedBefore = committed(before);

        // Three events of one project: one partition, three records nobody in the group has consumed.
        TestRun run = TestRun.of("lag-probe", "a");
        Kafka.publish(run.start(), run.progress("a", 50), run.complete("a"));
        assertThat(probe.probe()).isTrue();
        PrometheusMetrics behind = Metrics.scrape();
        Map<String, Double> lags = lags(behind);
        assertThat(lags.values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(3.0);
        assertThat(lags.values()).as("all on one partition").containsOnlyOnce(3.0);
        assertThat(committed(behind)).as("the committed offsets did not move").isEqualTo(committedBefore);

        Kafka.commitEnd(GROUP);
        assertThat(probe.probe()).isTrue();
        PrometheusMetrics caughtUp = Metrics.scrape();
        assertThat(lags(caughtUp)).allSatisfy((partition, lag) -> assertThat(lag).isZero());
        String moved = lags.entrySet().stream().filter(e -> e.getValue() == 3.0).findFirst().orElseThrow().getKey();
        assertThat(committed(caughtUp).get(moved)).isEqualTo(committedBefore.get(moved) + 3);
    }

    @Test
    void aGroupThatNeverCommittedExportsNoLag() {
        Kafka.publish(TestRun.of("lag-probe-never", "a").start());
        assertThat(probe.probe()).isTrue();
        PrometheusMetrics metrics = Metrics.scrape();
        assertThat(metrics.value("consumer_group_lag_probe_success")).isEqualTo(1.0);
        assertThat(metrics.matching("consumer_group_lag", "group", NEVER_COMMITTED)).isEmpty();
    }

    private static Map<String, Double> lags(PrometheusMetrics metrics) {
        return byPartition(metrics.matching("consumer_group_lag", "group", GROUP, "topic",
                ProgressTopics.PROJECT_PROGRESS));
    }

    private static Map<String, Double> committed(PrometheusMetrics metrics) {
        return byPartition(metrics.matching("consumer_group_committed_offset", "group", GROUP, "topic",
                ProgressTopics.PROJECT_PROGRESS));
    }

    private static Map<String, Double> byPartition(List<PrometheusMetrics.Sample> samples) {
        return samples.stream().collect(Collectors.toMap(s -> s.labels().get("partition"),
                PrometheusMetrics.Sample::value));
    }
}
