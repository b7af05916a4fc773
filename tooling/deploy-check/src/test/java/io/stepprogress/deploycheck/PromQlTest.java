package io.stepprogress.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void findsTheMetricsAndNothingElse() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (job, instance, le) "
                + "(rate(progress_relay_lag_seconds_bucket[5m]))) > 5"))
                .containsExactly("progress_relay_lag_seconds_bucket");
        assertThat(PromQl.metricNames("60 * sum by (step) (rate(progress_step_failures_total{step=~\"a|b\"}[10m])) > 0.5"))
                .containsExactly("progress_step_failures_total");
        assertThat(PromQl.metricNames("up == 0")).containsExactly("up");
        assertThat(PromQl.metricNames("max by (job) (kafka_consumer_fetch_manager_records_lag_max) > 1e3"))
                .containsExactly("kafka_consumer_fetch_manager_records_lag_max");
        assertThat(PromQl.metricNames("sum(a_total) / ignoring(x) group_left sum (b_total offset 5m) or vector(0)"))
                .containsExactly("a_total", "b_total");
        assertThat(PromQl.metricNames("sum(rate(x_total{outcome=\"failed\"}[5m])) and on (job) y"))
                .containsExactly("x_total", "y");
    }
}
