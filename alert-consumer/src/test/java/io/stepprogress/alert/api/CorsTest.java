package io.stepprogress.alert.api;

import static io.restassured.RestAssured.given;
import static io.stepprogress.testkit.ApiRequests.asOperator;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Browsers may call the API only from the configured origins (the test profile allows one). */
@QuarkusTest
class CorsTest {

    private static final String ALLOWED = "https://ops.example.test";
    private static final String REFUSED = "https://evil.example.test";
    private static final String PATH = "/api/alerts";

    @Test
    void aConfiguredOriginsPreflightIsAllowed() {
        given().header("Origin", ALLOWED).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .options(PATH).then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(ALLOWED))
                .header("Access-Control-Allow-Methods", containsString("GET"))
                .header("Access-Control-Allow-Headers", containsString("Authorization"));
    }

    @Test
    void anyOtherOriginsPreflightGetsNoAllowOrigin() {
        given().header("Origin", REFUSED).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .options(PATH).then().header("Access-Control-Allow-Origin", nullValue());
    }

    /** Even with a valid token: a page of another origin must not read the alerts through a browser. */
    @Test
    void anyOtherOriginsRequestIsRefusedWithoutData() {
        asOperator().header("Origin", REFUSED).get(PATH).then().statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue()).body(equalTo(""));
        asOperator().header("Origin", ALLOWED).get(PATH).then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(ALLOWED));
    }
}
