package io.stepprogress.alert.support;

import io.stepprogress.testkit.Management;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Health, metrics and OpenAPI answer on the management port only; the public port does not know them. */
@QuarkusTest
class ManagementInterfaceTest {

    private static final List<String> MANAGEMENT_PATHS = List.of("/q/metrics", "/q/health", "/q/health/ready",
            "/q/health/live", "/q/openapi");

    @Test
    void thePublicPortDoesNotServeThem() {
        for (String path : MANAGEMENT_PATHS) {
            given().get(path).then().statusCode(404).body(not(containsString("progress_initializations")))
                    .body(not(containsString("\"checks\"")));
        }
    }

    /** Without a token: the port is reachable only from the host, or the deployment's private network. */
    @Test
    void theManagementPortServesThem() {
        Ready.waitUntilReady(); // readiness (and so /q/health) is 503 until the partitions' history is in memory
        for (String path : MANAGEMENT_PATHS) {
            Management.given().get(path).then().statusCode(200);
        }
        Management.given().get("/q/metrics").then().body(containsString("progress_initializations_active"));
        Management.given().get("/q/health/ready").then().body("status", equalTo("UP"));
    }
}
