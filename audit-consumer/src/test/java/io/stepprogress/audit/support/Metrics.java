package io.stepprogress.audit.support;

import static io.restassured.RestAssured.given;

/** Reads a counter from the running service's Prometheus endpoint, as Prometheus would. */
public final class Metrics {

    private Metrics() {
    }

    public static double value(String name) {
        return given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
