package io.stepprogress.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenIssuerTest {

    @Test
    void issuedTokensVerifyAgainstThePublicSetAndCarryScopesAndProjects(@TempDir Path dir) throws Exception {
        DevKeys keys = DevKeys.loadOrCreate(dir);
        TokenIssuer issuer = new TokenIssuer("step-progress", keys.authorityKey());

        TokenIssuer.IssuedToken token = issuer.issue("worker-1", List.of(Scopes.WRITE),
                ProjectPatterns.of("acme-*"), Duration.ofMinutes(5));

        JwtClaims claims = consumer(keys.authorityPublicJwks()).processToClaims(token.token());
        assertThat(claims.getSubject()).isEqualTo("worker-1");
        assertThat(claims.getStringClaimValue(TokenClaims.SCOPE)).isEqualTo(Scopes.WRITE);
        assertThat(claims.getStringListClaimValue(TokenClaims.PROJECTS)).containsExactly("acme-*");
        assertThat(claims.getJwtId()).isEqualTo(token.id());
        JsonWebSignature header = new JsonWebSignature();
        header.setCompactSerialization(token.token());
        assertThat(header.getKeyIdHeaderValue()).isEqualTo(keys.authorityKey().keyId());
    }

    @Test
    void everyProjectIsWrittenAsAnExplicitStarNeverByLeavingTheClaimOut() throws Exception {
        SigningKey key = SigningKey.generate();
        String token = new TokenIssuer("step-progress", key)
                .issue("w", List.of(Scopes.WRITE), ProjectPatterns.any(), Duration.ofMinutes(1)).token();

        JwtClaims claims = consumer(key.publicJwks()).processToClaims(token);
        assertThat(claims.getStringListClaimValue(TokenClaims.PROJECTS)).containsExactly("*");
    }

    @Test
    void theAudiencesAreTheServicesOfTheScopesUnlessGiven() throws Exception {
        SigningKey key = SigningKey.generate();
        TokenIssuer issuer = new TokenIssuer("step-progress", key);

        assertThat(audiences(key, issuer.issue("w", List.of(Scopes.WRITE), ProjectPatterns.any(), Duration.ofMinutes(1))))
                .containsExactly(Audiences.PROGRESS_SERVICE);
        assertThat(audiences(key, issuer.issue("o", List.of(Scopes.OPERATOR), ProjectPatterns.any(), Duration.ofMinutes(1))))
                .containsExactly(Audiences.PROGRESS_SERVICE, Audiences.AUDIT_CONSUMER, Audiences.ALERT_CONSUMER);
        assertThat(audiences(key, issuer.issue("s", List.of(Scopes.SUBSCRIBE), ProjectPatterns.of("p"), Duration.ofMinutes(1))))
                .containsExactly(Audiences.NOTIFIER_SERVICE);
        assertThat(audiences(key, issuer.issue("x", List.of(Scopes.WRITE), ProjectPatterns.any(),
                List.of(Audiences.AUDIT_CONSUMER), Duration.ofMinutes(1)))).containsExactly(Audiences.AUDIT_CONSUMER);
        assertThatThrownBy(() -> issuer.issue("x", List.of("unknown:scope"), ProjectPatterns.any(), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theAuthorityAndTheSubscriberKeysAreDifferentAndOnlyNotifiersSetHoldsBoth(@TempDir Path dir) throws Exception {
        DevKeys keys = DevKeys.loadOrCreate(dir);

        assertThat(keys.subscriberKey().keyId()).isNotEqualTo(keys.authorityKey().keyId());
        assertThat(new JsonWebKeySet(keys.authorityPublicJwks()).getJsonWebKeys()).extracting(k -> k.getKeyId())
                .containsExactly(keys.authorityKey().keyId());
        assertThat(new JsonWebKeySet(keys.notifierPublicJwks()).getJsonWebKeys()).extracting(k -> k.getKeyId())
                .containsExactlyInAnyOrder(keys.authorityKey().keyId(), keys.subscriberKey().keyId());
        assertThat(keys.notifierPublicJwks()).doesNotContain("\"d\"");
    }

    private static List<String> audiences(SigningKey key, TokenIssuer.IssuedToken token) throws Exception {
        return consumer(key.publicJwks()).processToClaims(token.token()).getAudience();
    }

    @Test
    void keysAreReusedFromTheirDirectory(@TempDir Path dir) {
        DevKeys first = DevKeys.loadOrCreate(dir);
        DevKeys again = DevKeys.loadOrCreate(dir);
        assertThat(again.authorityKey().keyId()).isEqualTo(first.authorityKey().keyId());
        assertThat(again.subscriberKey().keyId()).isEqualTo(first.subscriberKey().keyId());
        assertThat(dir.resolve(DevKeys.AUTHORITY_SIGNING_KEY)).isReadable();
        assertThat(dir.resolve(DevKeys.SUBSCRIBER_SIGNING_KEY)).isReadable();
    }

    @Test
    void aSetWithTwoKeysAcceptsBothWhichIsHowKeysRotate() throws Exception {
        SigningKey old = SigningKey.generate();
        SigningKey current = SigningKey.generate();
        String both = SigningKey.publicJwks(old, current);
        for (SigningKey key : List.of(old, current)) {
            String token = new TokenIssuer("step-progress", key)
                    .issue("w", List.of(Scopes.WRITE), ProjectPatterns.any(), Duration.ofMinutes(1)).token();
            assertThat(consumer(both).processToClaims(token).getSubject()).isEqualTo("w");
        }
        String onlyCurrent = current.publicJwks();
        String oldToken = new TokenIssuer("step-progress", old)
                .issue("w", List.of(Scopes.WRITE), ProjectPatterns.any(), Duration.ofMinutes(1)).token();
        assertThatThrownBy(() -> consumer(onlyCurrent).processToClaims(oldToken))
                .isInstanceOf(InvalidJwtException.class);
    }

    @Test
    void rotationAddsTheNewKeyInFrontOfTheTrustedOnes() throws Exception {
        SigningKey old = SigningKey.generate();
        SigningKey next = SigningKey.generate();
        String rotated = SigningKey.addToJwks(old.publicJwks(), next);
        assertThat(new JsonWebKeySet(rotated).getJsonWebKeys()).extracting(k -> k.getKeyId())
                .containsExactly(next.keyId(), old.keyId());
        assertThat(SigningKey.addToJwks(rotated, next)).isEqualTo(rotated);
        assertThat(rotated).doesNotContain("\"d\"");
    }

    @Test
    void privateJwkRoundTrips() {
        SigningKey key = SigningKey.generate();
        assertThat(SigningKey.fromJwk(key.privateJwk()).keyId()).isEqualTo(key.keyId());
        assertThat(key.publicJwks()).doesNotContain("\"d\"");
        assertThatThrownBy(() -> SigningKey.fromJwk(new JsonWebKeySet().toJson()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static org.jose4j.jwt.consumer.JwtConsumer consumer(String jwks) throws Exception {
        return new JwtConsumerBuilder()
                .setExpectedIssuer("step-progress")
                .setSkipDefaultAudienceValidation()
                .setRequireExpirationTime()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .build();
    }

}
