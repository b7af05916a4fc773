package io.stepprogress.client;

import io.stepprogress.event.InitializationView;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Reports a project's initialization to progress-service. Every method answers the initialization's view
 * after the call, or throws a {@link ProgressClientException}:
 *
 * <ul>
 *   <li>4xx answers are thrown at once as their typed subclass ({@link InvalidRequestException},
 *       {@link NotFoundException}, {@link ConflictException}, ...) — retrying cannot change them;</li>
 *   <li>5xx answers, refused or reset connections and timeouts are retried with exponential backoff and
 *       jitter (a {@code Retry-After} is respected), then thrown as {@link ProgressUnavailableException};</li>
 *   <li>429 is retried the same way, honouring {@code Retry-After}, then thrown as {@link RateLimitedException}.</li>
 * </ul>
 *
 * <p>Retrying is safe because every call is idempotent on the server: the same progress again, a repeated
 * complete, fail (same reason) or cancel are no-ops, and a start repeated at any time, even after the run
 * finished, answers the run it started (200) instead of starting another. A new run of a finished project is
 * asked for by its number ({@link #startRun}), so its retries are idempotent too.
 *
 * <p>Implementations are thread-safe: build one client and share it between all worker threads.
 *
 * <pre>{@code
 * ProgressClient progress = ProgressClient.builder(URI.create("http://127.0.0.1:8081")).build();
 * progress.start("demo-1");
 * progress.reportProgress("demo-1", "clone", 40, "fetching");
 * progress.complete("demo-1", "clone", "cloned");
 * }</pre>
 */
public interface ProgressClient {

    /** {@code PUT /api/projects/{projectId}/initialization} without a body: the service's default plan. */
    InitializationView start(String projectId);

    /**
     * {@code PUT /api/projects/{projectId}/initialization} with this plan. Starts run 1 of a new project;
     * answers the current run when it has this plan, in progress or finished (it never starts a second run).
     *
     * @throws ConflictException ({@link ConflictException.Kind#CONFLICTING_PLAN}) when the current run has
     *         another plan
     */
    InitializationView start(String projectId, List<PlannedStep> steps);

    /**
     * {@code PUT /api/projects/{projectId}/initialization?run=N} with this plan: run {@code run} of the project.
     * Run 1 of a new project, or the next run ({@code view.run() + 1}) once the current one has finished;
     * asking for the current run with its plan again answers it unchanged.
     *
     * @throws ConflictException the current run is still in progress, has another plan, or {@code run} is
     *         neither the current nor the next run
     */
    InitializationView startRun(String projectId, int run, List<PlannedStep> steps);

    /** {@link #startRun(String, int, List)} with the service's default plan. */
    InitializationView startRun(String projectId, int run);

    /**
     * {@code POST /api/projects/{projectId}/steps/{step}/progress}: moves the step to {@code progress}
     * (0..100; a pending step starts running). The same value again is a no-op.
     *
     * @param message shown with the step; null keeps the previous one
     * @throws ProgressRegressionException when the step is already further
     */
    InitializationView reportProgress(String projectId, String step, int progress, String message);

    default InitializationView reportProgress(String projectId, String step, int progress) {
        return reportProgress(projectId, step, progress, null);
    }

    /**
     * {@code POST .../steps/{step}/complete}: the step is done (100); completing the last step completes the
     * initialization. Repeating it is a no-op.
     *
     * @param message may be null
     */
    InitializationView complete(String projectId, String step, String message);

    default InitializationView complete(String projectId, String step) {
        return complete(projectId, step, null);
    }

    /** {@code POST .../steps/{step}/fail}: fails the step and the initialization. {@code reason} is required. */
    InitializationView fail(String projectId, String step, String reason);

    /** {@code POST /api/projects/{projectId}/initialization/cancel}; {@code reason} may be null. */
    InitializationView cancel(String projectId, String reason);

    /**
     * {@code GET /api/projects/{projectId}/progress}: the current view.
     *
     * @throws NotFoundException when the project has no initialization
     */
    InitializationView progress(String projectId);

    /**
     * {@code POST /api/projects/{projectId}/subscriber-tokens}: a short-lived token that lets one browser
     * follow this project on notifier-service, for a host application's backend to hand to its user. Needs
     * a writer token allowed for the project. Not idempotent (each call issues a new token), and harmless
     * to repeat.
     *
     * @param subject who the token is for (the host application's user id); null means the caller
     * @param ttl     null for the service's default
     */
    SubscriberToken issueSubscriberToken(String projectId, String subject, Duration ttl);

    /**
     * A builder for the HTTP client.
     *
     * @param baseUrl where progress-service answers, e.g. {@code http://127.0.0.1:8081}; may end with a path
     *                prefix when it sits behind a proxy ({@code https://example.com/progress})
     */
    static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    /** Configures a {@link ProgressClient}; not thread-safe, the clients it builds are. */
    final class Builder {

        final URI baseUrl;
        Supplier<String> bearerToken = () -> null;
        Duration requestTimeout = Duration.ofSeconds(10);
        Duration connectTimeout = Duration.ofSeconds(5);
        int maxAttempts = 5;
        Duration initialBackoff = Duration.ofMillis(100);
        Duration maxBackoff = Duration.ofSeconds(2);
        Duration maxRetryAfter = Duration.ofSeconds(30);
        HttpClient httpClient;
        String userAgent = "step-progress-client";
        Sleeper sleeper = Sleeper.SYSTEM;

        private Builder(URI baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            if (!baseUrl.isAbsolute() || baseUrl.getHost() == null
                    || !("http".equalsIgnoreCase(baseUrl.getScheme()) || "https".equalsIgnoreCase(baseUrl.getScheme()))) {
                throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL, got " + baseUrl);
            }
            if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
                throw new IllegalArgumentException("baseUrl must not have a query or fragment, got " + baseUrl);
            }
            this.baseUrl = baseUrl;
        }

        /** Sent as {@code Authorization: Bearer <token>} with every request; null or blank sends none. */
        public Builder bearerToken(String token) {
            this.bearerToken = () -> token;
            return this;
        }

        /** A token read before every request (for tokens that are refreshed); may answer null for none. */
        public Builder bearerToken(Supplier<String> tokens) {
            this.bearerToken = Objects.requireNonNull(tokens, "tokens");
            return this;
        }

        /** How long one attempt may wait for its answer (default 10 s); a timeout is retried. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** How long opening a connection may take (default 5 s); ignored with {@link #httpClient(HttpClient)}. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * The retry policy (default 5 attempts, 100 ms doubling up to 2 s). The wait before attempt n+1 is
         * {@code min(maxBackoff, initialBackoff * 2^(n-1))}, of which a random half is jitter; a longer
         * {@code Retry-After} wins.
         *
         * @param maxAttempts requests sent at most, 1 = no retry
         */
        public Builder retries(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
            }
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff, got "
                        + initialBackoff + " and " + maxBackoff);
            }
            this.maxAttempts = maxAttempts;
            this.initialBackoff = initialBackoff;
            this.maxBackoff = maxBackoff;
            return this;
        }

        /**
         * The longest {@code Retry-After} (429, 503) the client waits for before its next attempt (default
         * 30 s). When told to wait longer it gives up at once, so worker threads are not parked for minutes.
         */
        public Builder maxRetryAfter(Duration max) {
            Objects.requireNonNull(max, "max");
            if (max.isNegative()) {
                throw new IllegalArgumentException("maxRetryAfter must not be negative");
            }
            this.maxRetryAfter = max;
            return this;
        }

        /** Uses this {@link HttpClient} (proxy, TLS, executor) instead of a new one. */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
            return this;
        }

        /** For tests: how the client waits between attempts. */
        Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        public ProgressClient build() {
            return new HttpProgressClient(this);
        }

        private static Duration positive(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + duration);
            }
            return duration;
        }
    }
}
