package io.stepprogress.notifier.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.stepprogress.testkit.TestTokens;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every response carries (the page's above all), who may call cross-origin, and what the public port
 * does not serve. The test profile allows one origin: https://host-app.example.
 */
@QuarkusTest
class WebSecurityTest {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    private static final String ALLOWED = "https://host-app.example";

    @TestHTTPResource(value = "", management = true)
    URL management;

    @Test
    void thePageAndItsFilesCarryThePolicy() {
        for (String path : List.of("/", "/index.html", "/app.js", "/app.css", "/stream-client.js", "/step-progress.js")) {
            given().get(path).then().statusCode(200)
                    .header("Content-Security-Policy", CSP)
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "no-referrer");
        }
        // The page holds no inline script or style for the policy to refuse.
        String page = given().get("/index.html").then().extract().asString();
        assertThat(page).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContain("<style").doesNotContain("style=");
    }

    @Test
    void apiAnswersCarryThePolicyToo_refusalsIncluded() {
        given().get("/api/projects").then().statusCode(401)
                .header("Content-Security-Policy", CSP).header("X-Content-Type-Options", "nosniff");
        given().get("/api/events").then().statusCode(401)
                .header("Content-Security-Policy", CSP).header("Referrer-Policy", "no-referrer");
    }

    @Test
    void aConfiguredOriginMayCallWithCredentials() {
        given().header("Origin", ALLOWED).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization")
                .options("/api/session").then().statusCode(200)
                .header("Access-Control-Allow-Origin", ALLOWED)
                .header("Access-Control-Allow-Credentials", "true")
                .header("Access-Control-Allow-Methods", containsString("POST"))
                .header("Access-Control-Allow-Headers", containsString("Authorization"));
        given().header("Origin", ALLOWED).header("Authorization", TestTokens.bearer(TestTokens.subscriber()))
                .get("/api/session").then().statusCode(200)
                .header("Access-Control-Allow-Origin", ALLOWED)
                .header("Access-Control-Allow-Credentials", "true");
    }

    @Test
    void aConfiguredOriginMayImportTheElementAndItsModules() {
        // A module script from another origin is fetched in CORS mode: without these headers the browser
        // refuses it. The element's own imports are fetched the same way.
        for (String path : List.of("/step-progress.js", "/stream-client.js", "/dom.js", "/format.js")) {
            given().header("Origin", ALLOWED).get(path).then().statusCode(200)
                    .contentType(containsString("javascript"))
                    .header("Access-Control-Allow-Origin", ALLOWED);
        }
        given().header("Origin", "https://evil.example").get("/step-progress.js").then()
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void anotherOriginIsNotAllowed() {
        Response preflight = given().header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET")
                .options("/api/projects");
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
        assertThat(preflight.header("Access-Control-Allow-Credentials")).isNull();
        // A simple cross-origin request is refused outright, and reveals nothing.
        given().header("Origin", "https://evil.example")
                .header("Authorization", TestTokens.bearer(TestTokens.subscriber()))
                .get("/api/projects").then().statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void managementEndpointsAreNotOnThePublicPort() {
        for (String path : List.of("/q/metrics", "/q/health", "/q/health/ready", "/q/openapi", "/q/swagger-ui/")) {
            Response response = given().get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.asString()).as(path).doesNotContain("notifier_").doesNotContain("\"checks\"");
        }
        given().get(management + "metrics").then().statusCode(200).body(containsString("notifier_sse_clients"));
        given().get(management + "health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void aLargeBodyIsRefused() {
        given().header("Authorization", TestTokens.bearer(TestTokens.subscriber())).contentType("application/json")
                .body("{\"pad\":\"" + "x".repeat(20 * 1024) + "\"}")
                .post("/api/session").then().statusCode(413);
    }
}
