package io.stepprogress.progress.support;

import static io.stepprogress.progress.support.ProgressApi.management;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.testkit.DeployedMetrics;
import io.stepprogress.testkit.DeployedMetrics.Exporter;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every metric of this service that deploy/ (dashboards, alert rules) reads is really exported. */
@QuarkusTest
class DeployedMetricsTest {

    @Test
    void everyMetricTheDashboardsAndAlertsReadIsExported() {
        Set<String> referenced = DeployedMetrics.referenced(Exporter.PROGRESS_SERVICE);
        String metrics = management().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(referenced).isNotEmpty();
        assertThat(DeployedMetrics.missingFrom(metrics, referenced)).as("read by deploy/ but not exported").isEmpty();
    }
}
