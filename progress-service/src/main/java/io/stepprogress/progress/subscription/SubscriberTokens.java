package io.stepprogress.progress.subscription;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.Scopes;
import io.stepprogress.security.SigningKey;
import io.stepprogress.security.TokenClaims;
import io.stepprogress.security.TokenIssuer;
import io.stepprogress.security.TokenIssuer.IssuedToken;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Issues the short-lived tokens a host app hands to a browser so it can follow one project on
 * notifier-service: scope {@value Scopes#SUBSCRIBE} only, {@code projects} = exactly that project.
 * <p>
 * Deployment: this is the <em>subscriber</em> key, not the authority key that signs worker and operator
 * tokens. Only notifier-service has its public half in its verification key set; this service and the
 * consumers do not trust it, so whoever takes it from here can mint browser tokens and nothing else. The
 * tokens carry audience {@code notifier-service} and the issuer here is {@code mp.jwt.verify.issuer}, the one
 * every service checks. To rotate, publish the new public key next to the old one in notifier-service's
 * set first, then switch this key.
 * <p>
 * Created at startup ({@link Startup}) so a key that is set but unreadable stops the service at once
 * instead of failing the first request.
 */
@Startup
@ApplicationScoped
public class SubscriberTokens {

    private static final Logger LOG = Logger.getLogger(SubscriberTokens.class);

    private final Optional<TokenIssuer> issuer;
    private final SubscriberTokenConfig config;
    private final Counter issued;

    SubscriberTokens(SubscriberTokenConfig config,
                     @ConfigProperty(name = "mp.jwt.verify.issuer", defaultValue = TokenClaims.DEFAULT_ISSUER)
                     String issuerName,
                     MeterRegistry registry) {
        this.config = config;
        Duration ttl = config.subscriberTokenTtl();
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(config.subscriberTokenMaxTtl()) > 0) {
            throw new IllegalStateException("progress.security.subscriber-token-ttl (" + ttl
                    + ") must be between 1s and progress.security.subscriber-token-max-ttl ("
                    + config.subscriberTokenMaxTtl() + ")");
        }
        this.issuer = signingKey(config).map(key -> new TokenIssuer(issuerName, key));
        if (issuer.isEmpty()) {
            LOG.warn("no progress.security.signing-key: POST /api/projects/{id}/subscriber-tokens answers 503");
        }
        this.issued = Counter.builder("progress.subscriber.tokens.issued")
                .description("Subscriber tokens issued to host apps for their browsers").register(registry);
    }

    private static Optional<SigningKey> signingKey(SubscriberTokenConfig config) {
        if (config.signingKey().isPresent() && config.signingKeyLocation().isPresent()) {
            // Two keys would leave it to chance which one notifier-service must trust.
            throw new IllegalStateException(
                    "set progress.security.signing-key or progress.security.signing-key-location, not both");
        }
        return config.signingKey().map(SigningKey::fromJwk)
                .or(() -> config.signingKeyLocation().map(location -> SigningKey.read(Path.of(location))));
    }

    public Duration defaultTtl() {
        return config.subscriberTokenTtl();
    }

    public Duration maxTtl() {
        return config.subscriberTokenMaxTtl();
    }

    /** @throws SubscriberTokensNotConfigured when no signing key is configured */
    public IssuedToken issue(String projectId, String subject, Duration ttl) {
        TokenIssuer tokens = issuer.orElseThrow(SubscriberTokensNotConfigured::new);
        IssuedToken token = tokens.issue(subject, List.of(Scopes.SUBSCRIBE), ProjectPatterns.of(projectId), ttl);
        issued.increment();
        return token;
    }
}
