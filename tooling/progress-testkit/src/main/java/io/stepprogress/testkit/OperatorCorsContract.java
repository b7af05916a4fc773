package io.stepprogress.testkit;

import static io.restassured.RestAssured.given;
import static io.stepprogress.testkit.ApiRequests.asOperator;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

/**
 * Browsers may call an operator API only from the configured origins. A {@code @QuarkusTest} subclass names
 * the path; its test profile must allow {@value #ALLOWED} and nothing else.
 */
public abstract class OperatorCorsContract {

    public static final String ALLOWED = "https://ops.example.test";
    private static final String REFUSED = "https://evil.example.test";

    /** A GET path of the API an operator token may read. */
    protected abstract String path();

    @Test
    void aConfiguredOriginsPreflightIsAllowed() {
        given().header("Origin", ALLOWED).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .options(path()).then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(ALLOWED))
                .header("Access-Control-Allow-Methods", containsString("GET"))
                .header("Access-Control-Allow-Headers", containsString("Authorization"));
    }

    @Test
    void anyOtherOriginsPreflightGetsNoAllowOrigin() {
        given().header("Origin", REFUSED).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .options(path()).then().header("Access-Control-Allow-Origin", nullValue());
    }

    /** Even with a valid token: a page of another origin must not read the data through a browser. */
    @Test
    void anyOtherOriginsRequestIsRefusedWithoutData() {
        asOperator().header("Origin", REFUSED).get(path()).then().statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue()).body(equalTo(""));
        asOperator().header("Origin", ALLOWED).get(path()).then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(ALLOWED));
    }
}
