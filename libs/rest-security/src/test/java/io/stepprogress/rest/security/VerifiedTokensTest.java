package io.stepprogress.rest.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.awaitility.Awaitility.await;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.stepprogress.security.Audiences;
import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.Scopes;
import io.stepprogress.security.SigningKey;
import io.stepprogress.security.TokenClaims;
import io.stepprogress.security.TokenIssuer;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifiedTokensTest {

    private final List<String> parsed = new ArrayList<>();
    private long expiresAt = System.currentTimeMillis() / 1000 + 600;

    @Test
    void aVerifiedTokenIsNotVerifiedAgain() throws Exception {
        VerifiedTokens tokens = decorating(parser());

        JsonWebToken first = tokens.parse("good");
        JsonWebToken second = tokens.parse("good");

        assertThat(second).isSameAs(first);
        assertThat(parsed).containsExactly("good");
    }

    @Test
    void anExpiredEntryGoesThroughTheParserAgain() throws Exception {
        expiresAt = System.currentTimeMillis() / 1000 - 1;
        VerifiedTokens tokens = decorating(parser());

        tokens.parse("good");
        tokens.parse("good");

        assertThat(parsed).containsExactly("good", "good");
    }

    @Test
    void aRefusedTokenIsRefusedEveryTime() throws Exception {
        VerifiedTokens tokens = decorating(parser());

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> tokens.parse("bad")).isInstanceOf(ParseException.class);
        }
        assertThat(parsed).containsExactly("bad", "bad");
    }

    // Revocation, with smallrye-jwt's real parser reading a JWK set file as the services do.

    @Test
    void aKeyRemovedFromTheTrustedFileStopsItsCachedTokensWithoutARestart(@TempDir Path dir) throws Exception {
        SigningKey leaked = SigningKey.generate();
        SigningKey kept = SigningKey.generate();
        Path file = dir.resolve("keys.jwks");
        Files.writeString(file, SigningKey.publicJwks(leaked, kept));
        VerifiedTokens tokens = verifyingWith(file);
        String byLeaked = signed(leaked);
        String byKept = signed(kept);
        assertThat(tokens.parse(byLeaked).getSubject()).isEqualTo("worker");
        assertThat(tokens.parse(byKept).getSubject()).isEqualTo("worker");

        replace(file, SigningKey.publicJwks(kept));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThatThrownBy(() -> tokens.parse(byLeaked)).isInstanceOf(ParseException.class));
        assertThat(tokens.parse(byKept).getSubject()).isEqualTo("worker");
        assertThatThrownBy(() -> tokens.parse(byLeaked)).isInstanceOf(ParseException.class);
    }

    @Test
    void aKeyAddedToTheTrustedFileIsTrustedWithoutARestart(@TempDir Path dir) throws Exception {
        SigningKey current = SigningKey.generate();
        SigningKey next = SigningKey.generate();
        Path file = dir.resolve("keys.jwks");
        Files.writeString(file, SigningKey.publicJwks(current));
        VerifiedTokens tokens = verifyingWith(file);
        String byNext = signed(next);
        assertThatThrownBy(() -> tokens.parse(byNext)).isInstanceOf(ParseException.class);

        replace(file, SigningKey.addToJwks(current.publicJwks(), next));

        await().atMost(Duration.ofSeconds(5)).ignoreExceptionsInstanceOf(ParseException.class).untilAsserted(() ->
                assertThat(tokens.parse(byNext).getSubject()).isEqualTo("worker"));
        assertThat(tokens.parse(signed(current)).getSubject()).isEqualTo("worker");
    }

    @Test
    void aFileThatCannotBeReadKeepsTheLastGoodSet(@TempDir Path dir) throws Exception {
        SigningKey key = SigningKey.generate();
        Path file = dir.resolve("keys.jwks");
        Files.writeString(file, key.publicJwks());
        VerifiedTokens tokens = verifyingWith(file);
        String token = signed(key);
        tokens.parse(token);
        SigningKey other = SigningKey.generate();

        Files.writeString(file, "{\"keys\": [");
        // Once the broken file has been looked at, a token never seen before still verifies with the last set.
        await().atMost(Duration.ofSeconds(5)).during(TrustedKeys.RECHECK.multipliedBy(2)).untilAsserted(() -> {
            assertThat(tokens.parse(signed(key)).getSubject()).isEqualTo("worker");
            assertThatThrownBy(() -> tokens.parse(signed(other))).isInstanceOf(ParseException.class);
        });
    }

    private static VerifiedTokens verifyingWith(Path file) {
        JWTAuthContextInfo context = new JWTAuthContextInfo();
        context.setPublicKeyLocation(file.toString());
        context.setIssuedBy(TokenClaims.DEFAULT_ISSUER);
        context.setExpectedAudience(Set.of(Audiences.PROGRESS_SERVICE));
        VerifiedTokens tokens = new VerifiedTokens();
        tokens.delegate = new DefaultJWTParser(context);
        tokens.context = context;
        return tokens;
    }

    private static String signed(SigningKey key) {
        return new TokenIssuer(TokenClaims.DEFAULT_ISSUER, key)
                .issue("worker", List.of(Scopes.WRITE), ProjectPatterns.any(), Duration.ofMinutes(5)).token();
    }

    /** As an operator should: write beside it, then rename over it, so no reader sees half a file. */
    private static void replace(Path file, String content) throws Exception {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, content);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static VerifiedTokens decorating(JWTParser parser) {
        VerifiedTokens tokens = new VerifiedTokens();
        tokens.delegate = parser;
        return tokens;
    }

    /** Accepts "good", refuses anything else, and records every call. */
    private JWTParser parser() {
        return (JWTParser) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {JWTParser.class},
                (proxy, method, args) -> {
                    String token = (String) args[0];
                    parsed.add(token);
                    if (!token.equals("good")) {
                        throw new ParseException("refused");
                    }
                    return token(expiresAt);
                });
    }

    private static JsonWebToken token(long exp) {
        return (JsonWebToken) Proxy.newProxyInstance(VerifiedTokensTest.class.getClassLoader(),
                new Class<?>[] {JsonWebToken.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getExpirationTime" -> exp;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }
}
