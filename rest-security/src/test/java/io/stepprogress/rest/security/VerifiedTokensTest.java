package io.stepprogress.rest.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

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
