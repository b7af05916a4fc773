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
 */
public final class TokenProjects {

    private TokenProjects() {
    }

    public static ProjectPatterns of(JsonWebToken token) {
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
