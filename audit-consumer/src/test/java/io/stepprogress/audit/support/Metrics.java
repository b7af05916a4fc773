package io.stepprogress.audit.support;

import io.stepprogress.testkit.Management;
import io.stepprogress.testkit.PrometheusMetrics;

/** Reads a counter from the running service's Prometheus endpoint, on the management port, as Prometheus would. */
public final class Metrics {

    private Metrics() {
    }

    public static double value(String name) {
        return PrometheusMetrics.parse(Management.given().get("/q/metrics").then().statusCode(200).extract().asString())
                .value(name);
    }
}
