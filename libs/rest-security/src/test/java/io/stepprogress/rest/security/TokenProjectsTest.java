package io.stepprogress.rest.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepprogress.security.TokenClaims;
import jakarta.json.Json;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

class TokenProjectsTest {

    @Test
    void aTokenWithoutTheClaimMayTouchNoProject() {
        var projects = TokenProjects.of(token(Map.of()));

        assertThat(projects.allows("anything")).isFalse();
        assertThat(projects.unrestricted()).isFalse();
        assertThat(projects.patterns()).isEmpty();
        assertThat(TokenProjects.of(null).allows("anything")).isFalse();
    }

    @Test
    void everyProjectIsTheExplicitStar() {
        var projects = TokenProjects.of(token(Map.of(TokenClaims.PROJECTS, Json.createArrayBuilder().add("*").build())));

        assertThat(projects.allows("anything")).isTrue();
        assertThat(projects.unrestricted()).isTrue();
    }

    @Test
    void aListedPatternAllowsWhatItMatches() {
        var projects = TokenProjects.of(token(Map.of(TokenClaims.PROJECTS,
                Json.createArrayBuilder().add("acme-*").build())));

        assertThat(projects.allows("acme-1")).isTrue();
        assertThat(projects.allows("other")).isFalse();
    }

    @Test
    void aClaimThatIsNotAListOfPatternsGrantsNothing() {
        assertThat(TokenProjects.of(token(Map.of(TokenClaims.PROJECTS, Json.createValue("*")))).allows("x")).isFalse();
        assertThat(TokenProjects.of(token(Map.of(TokenClaims.PROJECTS,
                Json.createArrayBuilder().add(1).build()))).allows("x")).isFalse();
    }

    @Test
    void aTokensClaimIsReadOnceAndEachRawTokenKeepsItsOwnPatterns() {
        AtomicInteger reads = new AtomicInteger();
        String acme = "raw-acme-" + System.nanoTime();
        String other = "raw-other-" + System.nanoTime();
        JsonWebToken acmeToken = token(Map.of(TokenClaims.PROJECTS, Json.createArrayBuilder().add("acme-*").build()),
                acme, reads);

        for (int i = 0; i < 3; i++) {
            assertThat(TokenProjects.of(acmeToken).allows("acme-1")).isTrue();
        }
        assertThat(reads).as("the claim of one raw token is read once").hasValue(1);
        var otherProjects = TokenProjects.of(token(Map.of(TokenClaims.PROJECTS,
                Json.createArrayBuilder().add("other-*").build()), other, reads));
        assertThat(otherProjects.allows("acme-1")).isFalse();
        assertThat(otherProjects.allows("other-1")).isTrue();
        assertThat(reads).hasValue(2);
    }

    private static JsonWebToken token(Map<String, Object> claims) {
        return token(claims, null, new AtomicInteger());
    }

    private static JsonWebToken token(Map<String, Object> claims, String raw, AtomicInteger reads) {
        return (JsonWebToken) Proxy.newProxyInstance(TokenProjectsTest.class.getClassLoader(),
                new Class<?>[] {JsonWebToken.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRawToken" -> raw;
                    case "containsClaim" -> claims.containsKey((String) args[0]);
                    case "getClaim" -> {
                        reads.incrementAndGet();
                        yield claims.get((String) args[0]);
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }
}
