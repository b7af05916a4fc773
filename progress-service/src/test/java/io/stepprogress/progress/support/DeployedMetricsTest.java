package io.stepprogress.progress.support;

import static io.stepprogress.progress.support.ProgressApi.management;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.testkit.DeployedMetrics;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every metric of this service that deploy/ (dashboards, alert rules) reads is really exported. */
@QuarkusTest
class DeployedMetricsTest {

    @Test
    void everyMetricTheDashboardsAndAlertsReadIsExported() {
        Set<String> referenced = DeployedMetrics.referenced("progress_outbox_", "progress_relay_");
        String metrics = management().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(referenced).isNotEmpty();
        assertThat(DeployedMetrics.missingFrom(metrics, referenced)).as("read by deploy/ but not exported").isEmpty();
    }
}
