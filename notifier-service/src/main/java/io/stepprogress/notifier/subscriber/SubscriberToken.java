package io.stepprogress.notifier.subscriber;

import io.stepprogress.security.ProjectPatterns;
import java.time.Instant;

/**
 * A verified subscriber token.
 *
 * @param token     the compact JWT, as the session cookie carries it
 * @param key       what identifies it for per-token limits: its jti, or the token itself when it has none
 * @param projects  the projects it may watch
 * @param expiresAt when its streams end
 */
public record SubscriberToken(String token, String key, ProjectPatterns projects, Instant expiresAt) {
}
