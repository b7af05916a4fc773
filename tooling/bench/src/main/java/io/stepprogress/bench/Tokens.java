package io.stepprogress.bench;

import io.stepprogress.security.DevKeys;
import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.Scopes;
import io.stepprogress.security.SigningKey;
import io.stepprogress.security.TokenIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Bearer tokens for the stack (issue 6), minted from its development keys as a deployment mints them (the
 * writer's with the authority key, subscriber tokens with progress-service's subscriber key): one writer token for the
 * workers (refreshed before it expires), and subscriber tokens, one per {@link #STREAMS_PER_TOKEN} SSE
 * connections (the notifier allows at most that many concurrent streams per token). Without a key, no token
 * is sent, which is what the stack before issue 6 expects.
 */
public final class Tokens {

    public static final String ISSUER = "step-progress";
    public static final int STREAMS_PER_TOKEN = 8;
    private static final Duration TTL = Duration.ofHours(1);
    private static final Duration REFRESH_BEFORE = Duration.ofMinutes(10);

    private final TokenIssuer issuer;
    private final TokenIssuer subscriberIssuer;
    private final ProjectPatterns projects;
    private final Path source;
    private volatile String writer;
    private volatile Instant writerExpires = Instant.EPOCH;

    private Tokens(TokenIssuer issuer, TokenIssuer subscriberIssuer, ProjectPatterns projects, Path source) {
        this.issuer = issuer;
        this.subscriberIssuer = subscriberIssuer;
        this.projects = projects;
        this.source = source;
    }

    /**
     * @param keysDir holds {@value DevKeys#AUTHORITY_SIGNING_KEY} and {@value DevKeys#SUBSCRIBER_SIGNING_KEY};
     *                null gives tokens that are all null (none sent)
     */
    public static Tokens from(Path keysDir, String projectPrefix) {
        if (keysDir == null) {
            return new Tokens(null, null, null, null);
        }
        Path authority = required(keysDir.resolve(DevKeys.AUTHORITY_SIGNING_KEY));
        Path subscriber = required(keysDir.resolve(DevKeys.SUBSCRIBER_SIGNING_KEY));
        return new Tokens(new TokenIssuer(ISSUER, SigningKey.read(authority)),
                new TokenIssuer(ISSUER, SigningKey.read(subscriber)), ProjectPatterns.of(projectPrefix + "-*"), keysDir);
    }

    private static Path required(Path key) {
        if (!Files.isRegularFile(key)) {
            throw new IllegalArgumentException("no signing key at " + key + " (--keys DIR must hold "
                    + DevKeys.AUTHORITY_SIGNING_KEY + " and " + DevKeys.SUBSCRIBER_SIGNING_KEY + ")");
        }
        return key;
    }

    public boolean enabled() {
        return issuer != null;
    }

    public String describe() {
        return enabled() ? "bearer tokens signed with " + source + " (projects " + projects + ")" : "no token";
    }

    /** The workers' token, minted again ten minutes before it expires. */
    public Supplier<String> writer() {
        return () -> {
            if (!enabled()) {
                return null;
            }
            if (Instant.now().isAfter(writerExpires.minus(REFRESH_BEFORE))) {
                synchronized (this) {
                    if (Instant.now().isAfter(writerExpires.minus(REFRESH_BEFORE))) {
                        TokenIssuer.IssuedToken token = issuer.issue("bench-writer", List.of(Scopes.WRITE), projects, TTL);
                        writer = token.token();
                        writerExpires = token.expiresAt();
                    }
                }
            }
            return writer;
        };
    }

    /** A new subscriber token (SSE streams and the notifier's snapshot GET); null without a key. */
    public String subscriber(String subject) {
        return enabled() ? subscriberIssuer.issue(subject, List.of(Scopes.SUBSCRIBE), projects, TTL).token() : null;
    }

    /** Subscriber tokens for {@code connections} streams, each shared by at most {@link #STREAMS_PER_TOKEN}. */
    public String[] subscribers(int connections) {
        String[] tokens = new String[connections];
        String current = null;
        for (int c = 0; c < connections; c++) {
            if (c % STREAMS_PER_TOKEN == 0) {
                current = subscriber("bench-subscriber-" + (c / STREAMS_PER_TOKEN));
            }
            tokens[c] = current;
        }
        return tokens;
    }
}
