package io.stepprogress.testkit;

import io.stepprogress.security.Audiences;
import io.stepprogress.security.DevKeys;
import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.Scopes;
import io.stepprogress.security.SigningKey;
import io.stepprogress.security.TokenClaims;
import io.stepprogress.security.TokenIssuer;
import java.time.Duration;
import java.util.List;

/**
 * Tokens for tests, signed with this JVM's {@link DevKeys#temporary() test keys} as deployments sign them:
 * worker and operator tokens by the authority key, subscriber tokens by the subscriber key progress-service
 * holds. Services started by {@code InfrastructureTestResource} trust them as deployed services do (the
 * authority everywhere, the subscriber key on notifier-service only). And the ways a token can be wrong, for
 * the 401/403 matrices.
 */
public final class TestTokens {

    private static final Duration TTL = Duration.ofMinutes(30);
    private static final SigningKey STRANGER = SigningKey.generate();

    private TestTokens() {
    }

    /** Signs as operators do: the authority key, trusted by every service. */
    public static TokenIssuer issuer() {
        return new TokenIssuer(TokenClaims.DEFAULT_ISSUER, DevKeys.temporary().authorityKey());
    }

    /** Signs as progress-service does: the subscriber key, trusted by notifier-service only. */
    public static TokenIssuer subscriberIssuer() {
        return new TokenIssuer(TokenClaims.DEFAULT_ISSUER, DevKeys.temporary().subscriberKey());
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
        return subscriberIssuer().issue("test", List.of(Scopes.SUBSCRIBE), patterns(projectPatterns), TTL).token();
    }

    /** Signed by the authority key; audiences from the scopes. */
    public static String token(ProjectPatterns projects, Duration ttl, String... scopes) {
        return issuer().issue("test", List.of(scopes), projects, ttl).token();
    }

    /** Signed by the authority key for the given audiences, whatever the scope. */
    public static String forAudiences(List<String> audiences, String... scopes) {
        return issuer().issue("test", List.of(scopes), ProjectPatterns.any(), audiences, TTL).token();
    }

    /**
     * What a thief of progress-service's subscriber key would try: a token with this scope and the audience
     * of every service, every project, signed by the subscriber key. Only notifier-service trusts that key,
     * and there only {@value Scopes#SUBSCRIBE} opens anything.
     */
    public static String forgedWithSubscriberKey(String scope) {
        return subscriberIssuer().issue("mallory", List.of(scope), ProjectPatterns.any(), List.of(
                Audiences.PROGRESS_SERVICE, Audiences.NOTIFIER_SERVICE, Audiences.AUDIT_CONSUMER,
                Audiences.ALERT_CONSUMER), TTL).token();
    }

    /** Right key, scope and issuer, but meant for another service (or none of ours). */
    public static String wrongAudience(String scope) {
        return issuer().issue("test", List.of(scope), ProjectPatterns.any(), List.of("some-other-service"), TTL)
                .token();
    }

    /**
     * A subscriber token as a careless issuer might mint it: signed by the subscriber key, but without the
     * {@code projects} claim, which must grant nothing rather than everything.
     */
    public static String withoutProjects(String scope) {
        String payload = "{\"iss\":\"" + TokenClaims.DEFAULT_ISSUER + "\",\"sub\":\"test\",\"aud\":"
                + audiencesJson(Audiences.forScopes(List.of(scope))) + ",\"scope\":\"" + scope + "\",\"jti\":\""
                + java.util.UUID.randomUUID() + "\",\"iat\":" + System.currentTimeMillis() / 1000 + ",\"exp\":"
                + (System.currentTimeMillis() / 1000 + TTL.toSeconds()) + "}";
        SigningKey key = scope.equals(Scopes.SUBSCRIBE) ? DevKeys.temporary().subscriberKey()
                : DevKeys.temporary().authorityKey();
        return sign(key, payload);
    }

    /** Signs claims as given, for tokens {@link TokenIssuer} refuses to make. */
    private static String sign(SigningKey key, String claimsJson) {
        try {
            org.jose4j.jwk.PublicJsonWebKey jwk = org.jose4j.jwk.PublicJsonWebKey.Factory.newPublicJwk(key.privateJwk());
            org.jose4j.jws.JsonWebSignature jws = new org.jose4j.jws.JsonWebSignature();
            jws.setPayload(claimsJson);
            jws.setKey(jwk.getPrivateKey());
            jws.setKeyIdHeaderValue(key.keyId());
            jws.setAlgorithmHeaderValue(org.jose4j.jws.AlgorithmIdentifiers.RSA_USING_SHA256);
            jws.setHeader("typ", "JWT");
            return jws.getCompactSerialization();
        } catch (org.jose4j.lang.JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String audiencesJson(List<String> audiences) {
        return audiences.stream().map(a -> "\"" + a + "\"").collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    /** Expired well beyond the tolerated clock skew. */
    public static String expired(String scope) {
        return issuerFor(scope).issue("test", List.of(scope), ProjectPatterns.any(), Duration.ofMinutes(-5)).token();
    }

    /** The key that signs this scope's tokens in a deployment: subscriber tokens come from progress-service. */
    private static TokenIssuer issuerFor(String scope) {
        return scope.equals(Scopes.SUBSCRIBE) ? subscriberIssuer() : issuer();
    }

    /** Well formed, signed by a key no service trusts. */
    public static String unknownKey(String scope) {
        return new TokenIssuer(TokenClaims.DEFAULT_ISSUER, STRANGER)
                .issue("test", List.of(scope), ProjectPatterns.any(), TTL).token();
    }

    /** Signed by the trusted key, then its payload changed: the signature no longer matches. */
    public static String tamperedPayload(String scope) {
        String[] parts = issuerFor(scope).issue("test", List.of(scope), ProjectPatterns.of("only-this"), TTL).token()
                .split("\\.");
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                        .replace("\"projects\":[\"only-this\"]", "\"projects\":[\"*\"]")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return parts[0] + "." + forged + "." + parts[2];
    }

    public static String wrongIssuer(String scope) {
        SigningKey key = scope.equals(Scopes.SUBSCRIBE) ? DevKeys.temporary().subscriberKey()
                : DevKeys.temporary().authorityKey();
        return new TokenIssuer("someone-else", key)
                .issue("test", List.of(scope), ProjectPatterns.any(), TTL).token();
    }

    /** {@code alg: none}: no signature at all. */
    public static String unsigned(String scope) {
        String header = base64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String payload = base64("{\"iss\":\"" + TokenClaims.DEFAULT_ISSUER + "\",\"sub\":\"test\",\"aud\":"
                + audiencesJson(Audiences.forScopes(List.of(scope))) + ",\"scope\":\"" + scope
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
