package io.stepprogress.testkit;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** RestAssured requests to a service's public API carrying a bearer token, as its real callers send them. */
public final class ApiRequests {

    private ApiRequests() {
    }

    /** An operator token; no patterns means every project. */
    public static RequestSpecification asOperator(String... projectPatterns) {
        return withToken(TestTokens.operator(projectPatterns));
    }

    /** A worker token; no patterns means every project. */
    public static RequestSpecification asWorker(String... projectPatterns) {
        return withToken(TestTokens.worker(projectPatterns));
    }

    /** A subscriber token sent as a header, as non-browser clients do. */
    public static RequestSpecification asSubscriber(String... projectPatterns) {
        return withToken(TestTokens.subscriber(projectPatterns));
    }

    public static RequestSpecification withToken(String token) {
        return RestAssured.given().header("Authorization", TestTokens.bearer(token));
    }
}
