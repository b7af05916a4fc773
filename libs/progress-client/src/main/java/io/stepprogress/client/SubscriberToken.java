package io.stepprogress.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * A subscriber token as progress-service issues it. Hand {@link #token()} to the browser that should follow
 * the project; it exchanges it once at notifier-service's {@code POST /api/session} for an HttpOnly cookie.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SubscriberToken(String token, String tokenType, String projectId, String scope, Instant expiresAt,
                              long expiresIn) {

    /** The token is a credential: never print it. */
    @Override
    public String toString() {
        return "SubscriberToken[" + projectId + ", expires " + expiresAt + "]";
    }
}
