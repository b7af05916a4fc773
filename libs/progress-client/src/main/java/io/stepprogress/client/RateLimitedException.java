package io.stepprogress.client;

import java.time.Duration;
import java.util.Optional;

/**
 * 429: still rate limited after every attempt the client's retry policy allows, or told to wait longer
 * than {@link ProgressClient.Builder#maxRetryAfter(Duration)}.
 */
public class RateLimitedException extends ProgressClientException {

    private final Duration retryAfter;
    private final int attempts;

    public RateLimitedException(ProblemDetails problem, String request, Duration retryAfter, int attempts) {
        super(describe(problem, request) + (retryAfter == null ? "" : "; retry after " + retryAfter.toMillis() + " ms")
                + (attempts > 1 ? " (" + attempts + " attempts)" : ""), problem, request, null);
        this.retryAfter = retryAfter;
        this.attempts = attempts;
    }

    /** The last answer's {@code Retry-After}, when it had one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** How many requests were sent. */
    public int attempts() {
        return attempts;
    }
}
