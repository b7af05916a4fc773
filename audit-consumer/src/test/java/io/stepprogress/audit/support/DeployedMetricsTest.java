package io.stepprogress.audit.support;

import io.stepprogress.testkit.Management;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.testkit.DeployedMetrics;
import io.stepprogress.testkit.DeployedMetrics.Exporter;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every metric of this service that deploy/ (dashboards, alert rules) reads is really exported, on the
 * management port Prometheus scrapes.
 */
@QuarkusTest
class DeployedMetricsTest {

    @Test
    void everyMetricTheDashboardsAndAlertsReadIsExported() {
        Set<String> referenced = DeployedMetrics.referenced(Exporter.AUDIT_CONSUMER);
        String metrics = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(referenced).isNotEmpty();
        assertThat(DeployedMetrics.missingFrom(metrics, referenced)).as("read by deploy/ but not exported").isEmpty();
    }
}
