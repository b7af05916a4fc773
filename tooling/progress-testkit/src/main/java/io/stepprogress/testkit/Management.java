package io.stepprogress.testkit;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Requests to a {@code @QuarkusTest} service's management interface (health, metrics, OpenAPI), which
 * listens on its own port, as probes and Prometheus reach it. With {@code quarkus.management.test-port=0}
 * Quarkus publishes the port it bound under that key; it is read at each call because a restart (another
 * test profile) rebinds it.
 */
public final class Management {

    private Management() {
    }

    public static RequestSpecification given() {
        var config = ConfigProvider.getConfig();
        String host = config.getOptionalValue("quarkus.management.host", String.class).orElse("127.0.0.1");
        int port = config.getValue("quarkus.management.test-port", Integer.class);
        return RestAssured.given().baseUri("http://" + host).port(port);
    }
}
