package io.stepprogress.notifier.support;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.stepprogress.testkit.SseClient;
import io.stepprogress.testkit.TestTokens;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * Requests as a subscriber allowed every project. Each call mints a fresh token, so that the per-token
 * stream limit of one test never meets the streams another test has not finished closing.
 */
public final class Subscribers {

    private Subscribers() {
    }

    public static String authorization() {
        return TestTokens.bearer(TestTokens.subscriber());
    }

    /** RestAssured's {@code given()} with a subscriber's bearer header. */
    public static RequestSpecification given() {
        return RestAssured.given().header("Authorization", authorization());
    }

    public static SseClient stream(URI uri) {
        return stream(uri, Map.of());
    }

    public static SseClient stream(URI uri, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Authorization", authorization());
        return SseClient.connect(uri, all);
    }
}
