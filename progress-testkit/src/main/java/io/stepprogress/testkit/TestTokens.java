package io.stepprogress.testkit;

import io.stepprogress.security.DevKeys;
import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.Scopes;
import io.stepprogress.security.SigningKey;
import io.stepprogress.security.TokenClaims;
import io.stepprogress.security.TokenIssuer;
import java.time.Duration;
import java.util.List;

/**
 * Tokens for tests, signed with this JVM's {@link DevKeys#temporary() test key}, which services started by
 * {@code InfrastructureTestResource} trust; and the ways a token can be wrong, for the 401/403 matrix.
 */
public final class TestTokens {

    private static final Duration TTL = Duration.ofMinutes(30);
    private static final SigningKey STRANGER = SigningKey.generate();

    private TestTokens() {
    }

    public static TokenIssuer issuer() {
        return new TokenIssuer(TokenClaims.DEFAULT_ISSUER, DevKeys.temporary().signingKey());
    }

    private static final Duration REUSE = Duration.ofMinutes(5);
    private static String anyProjectWorker;
    private static long anyProjectWorkerMintedAt;

    /**
     * A worker allowed to write; no patterns means every project. That one is reused for a few minutes:
     * signing one per request would add an RSA signature to every call of a test.
     */
    public static String worker(String... projectPatterns) {
        if (projectPatterns.length > 0) {
            return token(patterns(projectPatterns), TTL, Scopes.WRITE);
        }
        synchronized (TestTokens.class) {
            long now = System.nanoTime();
            if (anyProjectWorker == null || now - anyProjectWorkerMintedAt > REUSE.toNanos()) {
                anyProjectWorker = token(ProjectPatterns.any(), TTL, Scopes.WRITE);
                anyProjectWorkerMintedAt = now;
            }
            return anyProjectWorker;
        }
    }

    public static String operator(String... projectPatterns) {
        return token(patterns(projectPatterns), TTL, Scopes.OPERATOR);
    }

    public static String subscriber(String... projectPatterns) {
        return token(patterns(projectPatterns), TTL, Scopes.SUBSCRIBE);
    }

    public static String token(ProjectPatterns projects, Duration ttl, String... scopes) {
        return issuer().issue("test", List.of(scopes), projects, ttl).token();
    }

    /** Expired well beyond the tolerated clock skew. */
    public static String expired(String scope) {
        return token(ProjectPatterns.any(), Duration.ofMinutes(-5), scope);
    }

    /** Well formed, signed by a key no service trusts. */
    public static String unknownKey(String scope) {
        return new TokenIssuer(TokenClaims.DEFAULT_ISSUER, STRANGER)
                .issue("test", List.of(scope), ProjectPatterns.any(), TTL).token();
    }

    /** Signed by the trusted key, then its payload changed: the signature no longer matches. */
    public static String tamperedPayload(String scope) {
        String[] parts = token(ProjectPatterns.of("only-this"), TTL, scope).split("\\.");
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                        .replace("\"projects\":[\"only-this\"]", "\"projects\":[\"*\"]")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return parts[0] + "." + forged + "." + parts[2];
    }

    public static String wrongIssuer(String scope) {
        return new TokenIssuer("someone-else", DevKeys.temporary().signingKey())
                .issue("test", List.of(scope), ProjectPatterns.any(), TTL).token();
    }

    /** {@code alg: none}: no signature at all. */
    public static String unsigned(String scope) {
        String header = base64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String payload = base64("{\"iss\":\"" + TokenClaims.DEFAULT_ISSUER + "\",\"sub\":\"test\",\"scope\":\"" + scope
                + "\",\"exp\":" + (System.currentTimeMillis() / 1000 + 600) + "}");
        return header + "." + payload + ".";
    }

    public static String malformed() {
        return "not-a-jwt";
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    private static String base64(String json) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static ProjectPatterns patterns(String... projectPatterns) {
        return projectPatterns.length == 0 ? ProjectPatterns.any() : ProjectPatterns.of(projectPatterns);
    }
}
