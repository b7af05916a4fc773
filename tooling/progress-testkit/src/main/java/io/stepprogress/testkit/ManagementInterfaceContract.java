package io.stepprogress.testkit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Health, metrics and OpenAPI answer on the management port only; the public port does not know them. A
 * {@code @QuarkusTest} subclass names one metric of its own service.
 */
public abstract class ManagementInterfaceContract {

    private static final List<String> MANAGEMENT_PATHS = List.of("/q/metrics", "/q/health", "/q/health/ready",
            "/q/health/live", "/q/openapi");

    /** The name of a metric only this service exports. */
    protected abstract String ownMetric();

    /** Waits until readiness can be UP, for a service that is not ready as soon as it starts. */
    protected void awaitReady() {
    }

    @Test
    void thePublicPortDoesNotServeThem() {
        for (String path : MANAGEMENT_PATHS) {
            given().get(path).then().statusCode(404).body(not(containsString(ownMetric())))
                    .body(not(containsString("\"checks\"")));
        }
    }

    /** Without a token: the port is reachable only from the host, or the deployment's private network. */
    @Test
    void theManagementPortServesThem() {
        awaitReady();
        for (String path : MANAGEMENT_PATHS) {
            Management.given().get(path).then().statusCode(200);
        }
        Management.given().get("/q/metrics").then().body(containsString(ownMetric()));
        Management.given().get("/q/health/ready").then().body("status", equalTo("UP"));
    }
}
