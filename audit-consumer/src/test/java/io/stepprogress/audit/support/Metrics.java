package io.stepprogress.audit.support;

import static io.restassured.RestAssured.given;

import io.stepprogress.testkit.PrometheusMetrics;

/** Reads a counter from the running service's Prometheus endpoint, as Prometheus would. */
public final class Metrics {

    private Metrics() {
    }

    public static double value(String name) {
        return PrometheusMetrics.parse(given().get("/q/metrics").then().statusCode(200).extract().asString())
                .value(name);
    }
}
