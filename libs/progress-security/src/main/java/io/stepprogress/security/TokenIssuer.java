package io.stepprogress.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Signs our tokens: RS256, the key's id in the header, a unique jti, issued-at and expiry, the audiences
 * and, always, the {@code projects} claim ({@code ["*"]} for every project: services read a missing claim
 * as no project at all).
 */
public final class TokenIssuer {

    private final String issuer;
    private final SigningKey key;
    private final Clock clock;

    public TokenIssuer(String issuer, SigningKey key, Clock clock) {
        this.issuer = issuer;
        this.key = key;
        this.clock = clock;
    }

    public TokenIssuer(String issuer, SigningKey key) {
        this(issuer, key, Clock.systemUTC());
    }

    /**
     * For the services that serve these scopes ({@link Audiences#forScopes}).
     *
     * @param ttl may be negative, which tests use for expired tokens
     */
    public IssuedToken issue(String subject, Collection<String> scopes, ProjectPatterns projects, Duration ttl) {
        return issue(subject, scopes, projects, Audiences.forScopes(scopes), ttl);
    }

    /** @param audiences the services that are to accept the token; at least one */
    public IssuedToken issue(String subject, Collection<String> scopes, ProjectPatterns projects,
                             Collection<String> audiences, Duration ttl) {
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("a token needs an audience: no service accepts one without");
        }
        Instant now = clock.instant();
        Instant expiresAt = now.plus(ttl);
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(subject);
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setIssuedAt(NumericDate.fromMilliseconds(now.toEpochMilli()));
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));
        claims.setAudience(List.copyOf(audiences));
        claims.setClaim(TokenClaims.SCOPE, String.join(" ", scopes));
        claims.setStringListClaim(TokenClaims.PROJECTS, projects.patterns());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.privateKey());
        jws.setKeyIdHeaderValue(key.keyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return new IssuedToken(jws.getCompactSerialization(), claims.getJwtId(),
                    Instant.ofEpochSecond(expiresAt.getEpochSecond()));
        } catch (JoseException | org.jose4j.jwt.MalformedClaimException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    public String issuer() {
        return issuer;
    }

    public record IssuedToken(String token, String id, Instant expiresAt) {
    }
}
