package io.stepprogress.alert.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.alert.lag.ConsumerGroupLagProbe;
import io.stepprogress.testkit.DeployedMetrics;
import io.stepprogress.testkit.DeployedMetrics.Exporter;
import io.stepprogress.testkit.PrometheusMetrics;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every metric of this service that deploy/ (dashboards, alert rules) reads is really exported, on the
 * management port Prometheus scrapes. The files of deploy/ themselves are checked in tooling/deploy-check.
 */
@QuarkusTest
class DeployedMetricsTest {

    @Inject
    ConsumerGroupLagProbe lagProbe;

    @Test
    void everyMetricTheDashboardsAndAlertsReadIsExported() {
        Set<String> referenced = DeployedMetrics.referenced(Exporter.ALERT_CONSUMER);
        PrometheusMetrics scraped = scrapeWithEveryMeter();

        assertThat(referenced).isNotEmpty();
        assertThat(referenced).as("read by deploy/ but not exported").allMatch(scraped.names()::contains);
    }

    @Test
    void theKafkaConsumerLagMetricTheRulesUseIsExported() {
        Ready.waitUntilReady();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Metrics.scrape()
                .has("kafka_consumer_fetch_manager_records_lag_max")).isTrue());
        PrometheusMetrics metrics = Metrics.scrape();
        System.out.println("Kafka consumer lag metrics exported by alert-consumer:");
        metrics.names().stream().filter(n -> n.startsWith("kafka_consumer_fetch_manager_records_lag"))
                .forEach(n -> metrics.matching(n).forEach(s -> System.out.println("  " + n + s.labels())));
    }

    /**
     * A scrape after a run that completes one step and fails another, and a lag probe of a group with committed
     * offsets: every meter of this service exists.
     */
    private PrometheusMetrics scrapeWithEveryMeter() {
        Ready.waitUntilReady();
        Kafka.commitEnd("lag-probe-test");
        assertThat(lagProbe.probe()).isTrue();
        TestRun run = TestRun.of("deploy-check", "check-a", "check-b");
        Kafka.publish(run.start(), run.progress("check-a", 10), run.complete("check-a"), run.fail("check-b", "x"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Metrics.scrape()
                .has("progress_step_failures_total", "step", "check-b")).isTrue());
        return Metrics.scrape();
    }
}
