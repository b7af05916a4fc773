package io.stepprogress.notifier.support;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.testkit.DeployedMetrics;
import io.stepprogress.testkit.DeployedMetrics.Exporter;
import java.net.URL;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every metric of this service that deploy/ (dashboards, alert rules) reads is really exported. */
@QuarkusTest
class DeployedMetricsTest {

    @TestHTTPResource(value = "metrics", management = true)
    URL metricsUrl;

    @Test
    void everyMetricTheDashboardsAndAlertsReadIsExported() {
        Set<String> referenced = DeployedMetrics.referenced(Exporter.NOTIFIER_SERVICE);
        String metrics = given().get(metricsUrl).then().statusCode(200).extract().asString();

        assertThat(referenced).isNotEmpty();
        assertThat(DeployedMetrics.missingFrom(metrics, referenced)).as("read by deploy/ but not exported").isEmpty();
    }
}
