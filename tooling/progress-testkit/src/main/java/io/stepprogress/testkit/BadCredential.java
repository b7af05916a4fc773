package io.stepprogress.testkit;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Function;

/**
 * Every way a request can fail to prove who sent it, for the 401 rows of a security matrix. Each token
 * carries the scope the endpoint needs, so the credential itself, never the scope, is what must get the
 * request refused.
 */
public enum BadCredential {
    NONE(scope -> null),
    MALFORMED(scope -> TestTokens.bearer(TestTokens.malformed())),
    UNSIGNED(scope -> TestTokens.bearer(TestTokens.unsigned(scope))),
    TAMPERED_PAYLOAD(scope -> TestTokens.bearer(TestTokens.tamperedPayload(scope))),
    UNKNOWN_KEY(scope -> TestTokens.bearer(TestTokens.unknownKey(scope))),
    EXPIRED(scope -> TestTokens.bearer(TestTokens.expired(scope))),
    WRONG_ISSUER(scope -> TestTokens.bearer(TestTokens.wrongIssuer(scope))),
    /** Signed by the authority key, but meant for no service of ours. */
    WRONG_AUDIENCE(scope -> TestTokens.bearer(TestTokens.wrongAudience(scope))),
    /**
     * Minted with progress-service's subscriber-signing key, with every audience: only notifier-service
     * trusts that key, so this row belongs in the matrices of the other services.
     */
    SIGNED_BY_SUBSCRIBER_KEY(scope -> TestTokens.bearer(TestTokens.forgedWithSubscriberKey(scope))),
    /** A scheme we do not speak: treated as no credential at all. */
    BASIC_SCHEME(scope -> "Basic " + Base64.getEncoder().encodeToString("user:password".getBytes(StandardCharsets.UTF_8)));

    private final Function<String, String> authorization;

    BadCredential(Function<String, String> authorization) {
        this.authorization = authorization;
    }

    /** Whether a bearer token is sent (one the service must call invalid), rather than none at all. */
    public boolean presentsAToken() {
        return this != NONE && this != BASIC_SCHEME;
    }

    /**
     * Asserts the answer a service owes this credential: 401 problem+json with the RFC 6750 challenge,
     * {@code error="invalid_token"} when a token was presented, and "expired" in the detail for that case.
     */
    public void assertUnauthorized(Response response) {
        response.then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer realm=\"step-progress\""))
                .body("status", equalTo(401));
        if (presentsAToken()) {
            response.then().header("WWW-Authenticate", containsString("error=\"invalid_token\""));
        } else {
            response.then().header("WWW-Authenticate", equalTo("Bearer realm=\"step-progress\""));
        }
        if (this == EXPIRED) {
            response.then().body("detail", containsString("expired"));
        }
    }

    /** The Authorization header to send, or null to send none. */
    public String authorization(String scope) {
        return authorization.apply(scope);
    }
}
