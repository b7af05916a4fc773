package io.stepprogress.alert.support;

import static io.restassured.RestAssured.given;

import io.stepprogress.testkit.PrometheusMetrics;

/** Scrapes the application under test. */
public final class Metrics {

    private Metrics() {
    }

    public static PrometheusMetrics scrape() {
        return PrometheusMetrics.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }
}
