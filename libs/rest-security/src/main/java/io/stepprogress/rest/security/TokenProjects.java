package io.stepprogress.rest.security;

import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.TokenClaims;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The {@code projects} claim of a verified token. A claim we cannot read, and a missing one, grant nothing
 * (fail closed): every project is said explicitly as {@code ["*"]}, so a token minted without the claim by
 * mistake opens no project instead of all of them.
 * <p>
 * Read once per token: smallrye-jwt looks a claim name up in its {@code Claims} enum first and, for a name of
 * ours, builds the {@code IllegalArgumentException} that says it is not there, with its stack trace, twice per
 * request here (a twentieth of a worker thread's time in the write path's profile). The patterns are a function of
 * the raw token, whose signature is checked on every request before this runs.
 */
public final class TokenProjects {

    private static final RawTokenMap<ProjectPatterns> BY_RAW_TOKEN = new RawTokenMap<>();

    private TokenProjects() {
    }

    public static ProjectPatterns of(JsonWebToken token) {
        String raw = token == null ? null : token.getRawToken();
        if (raw == null) {
            return read(token);
        }
        return BY_RAW_TOKEN.computeIfAbsent(raw, () -> read(token));
    }

    private static ProjectPatterns read(JsonWebToken token) {
        if (token == null || !token.containsClaim(TokenClaims.PROJECTS)) {
            return ProjectPatterns.of();
        }
        Object claim = token.getClaim(TokenClaims.PROJECTS);
        List<String> patterns = new ArrayList<>();
        if (claim instanceof JsonArray array) {
            for (JsonValue value : array) {
                if (!(value instanceof JsonString text)) {
                    return ProjectPatterns.of();
                }
                patterns.add(text.getString());
            }
        } else if (claim instanceof Collection<?> values) {
            for (Object value : values) {
                patterns.add(value instanceof JsonString text ? text.getString() : String.valueOf(value));
            }
        } else {
            return ProjectPatterns.of();
        }
        try {
            return ProjectPatterns.of(patterns);
        } catch (IllegalArgumentException malformed) {
            return ProjectPatterns.of();
        }
    }
}
