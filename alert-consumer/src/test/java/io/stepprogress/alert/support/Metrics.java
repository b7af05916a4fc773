package io.stepprogress.alert.support;

import io.stepprogress.testkit.Management;
import io.stepprogress.testkit.PrometheusMetrics;

/** Scrapes the application under test on its management port, as Prometheus does. */
public final class Metrics {

    private Metrics() {
    }

    public static PrometheusMetrics scrape() {
        return PrometheusMetrics.parse(
                Management.given().get("/q/metrics").then().statusCode(200).extract().asString());
    }
}
