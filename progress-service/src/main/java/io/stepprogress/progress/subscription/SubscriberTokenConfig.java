package io.stepprogress.progress.subscription;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The key and lifetimes of subscriber tokens. Neither key set is allowed: the service runs, and only the
 * subscriber-tokens endpoint answers 503, so a deployment without browsers needs no private key at all.
 */
@ConfigMapping(prefix = "progress.security")
public interface SubscriberTokenConfig {

    /** A file holding the private JWK (with its kid), readable by the service only. */
    Optional<String> signingKeyLocation();

    /** The private JWK itself, as JSON (compose passes it in env PROGRESS_SECURITY_SIGNING_KEY). */
    Optional<String> signingKey();

    /** Lifetime when the request names none: long enough to open a stream, short enough to leak little. */
    @WithDefault("10m")
    Duration subscriberTokenTtl();

    /** The longest lifetime a caller may ask for. */
    @WithDefault("1h")
    Duration subscriberTokenMaxTtl();
}
