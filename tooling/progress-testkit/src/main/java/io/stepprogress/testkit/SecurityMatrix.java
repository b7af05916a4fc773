package io.stepprogress.testkit;

import io.stepprogress.security.Audiences;
import io.stepprogress.security.Scopes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The rows of a service's security matrix, for {@code @MethodSource}: every endpoint crossed with every way a
 * token can be wrong for it. Each service lists its own endpoints; the tokens are the same everywhere.
 */
public final class SecurityMatrix {

    /** Each scope and who holds it, as the rows name them. */
    private static final Map<String, String> SCOPE_HOLDERS = Map.of(
            Scopes.WRITE, "worker", Scopes.SUBSCRIBE, "subscriber", Scopes.OPERATOR, "operator");

    private SecurityMatrix() {
    }

    /** Every endpoint with every {@link BadCredential}: {@code (endpoint, credential)} rows. */
    public static Stream<Object[]> withEveryBadCredential(Enum<?>[] endpoints) {
        return Stream.of(endpoints).flatMap(endpoint -> Stream.of(BadCredential.values())
                .map(credential -> new Object[] {endpoint, credential}));
    }

    /**
     * Tokens meant for {@code audience} with every scope but {@code needed}: only the scope is wrong, so the
     * answer is 403. {@code (endpoint, who, token)} rows.
     */
    public static Stream<Object[]> withEveryOtherScope(Enum<?>[] endpoints, String audience, String needed) {
        Map<String, Supplier<String>> tokens = new LinkedHashMap<>();
        SCOPE_HOLDERS.forEach((scope, who) -> {
            if (!scope.equals(needed)) {
                tokens.put(who, () -> TestTokens.forAudiences(List.of(audience), scope));
            }
        });
        return cross(endpoints, tokens);
    }

    /**
     * Tokens as really minted for other services, whatever their scope: not meant for an operator API, so
     * the answer is 401. {@code (endpoint, who, token)} rows.
     */
    public static Stream<Object[]> withTokensForOtherServices(Enum<?>[] endpoints) {
        return cross(endpoints, Map.of(
                "worker (for " + Audiences.PROGRESS_SERVICE + ")", TestTokens::worker,
                "subscriber (for " + Audiences.NOTIFIER_SERVICE + ")", TestTokens::subscriber,
                "subscriber without projects", () -> TestTokens.withoutProjects(Scopes.SUBSCRIBE)));
    }

    private static Stream<Object[]> cross(Enum<?>[] endpoints, Map<String, Supplier<String>> tokens) {
        return Stream.of(endpoints).flatMap(endpoint -> tokens.entrySet().stream()
                .map(token -> new Object[] {endpoint, token.getKey(), token.getValue()}));
    }

}
