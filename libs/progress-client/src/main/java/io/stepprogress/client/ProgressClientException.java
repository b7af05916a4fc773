package io.stepprogress.client;

import java.util.List;

/**
 * Base of every error the client raises. For an answer of progress-service it carries the problem
 * ({@link #status()}, {@link #title()}, {@link #detail()}); the subclasses tell the cases apart:
 *
 * <ul>
 *   <li>{@link InvalidRequestException} 400 / 415 — fix the call, retrying will not help;</li>
 *   <li>{@link UnauthorizedException} 401, {@link ForbiddenException} 403;</li>
 *   <li>{@link NotFoundException} 404 — unknown project or step;</li>
 *   <li>{@link ConflictException} 409 (and {@link ProgressRegressionException}) — see {@link ConflictException#kind()};</li>
 *   <li>{@link RateLimitedException} 429 — still limited after the retries;</li>
 *   <li>{@link ProgressUnavailableException} — no usable answer after every attempt (5xx, refused, timed out);</li>
 *   <li>{@link ProgressInterruptedException} — the calling thread was interrupted (its flag stays set).</li>
 * </ul>
 */
public class ProgressClientException extends RuntimeException {

    private final ProblemDetails problem;
    private final String request;

    public ProgressClientException(ProblemDetails problem, String request) {
        this(problem, request, null);
    }

    public ProgressClientException(ProblemDetails problem, String request, Throwable cause) {
        this(describe(problem, request), problem, request, cause);
    }

    protected ProgressClientException(String message, ProblemDetails problem, String request, Throwable cause) {
        super(message, cause);
        this.problem = problem;
        this.request = request;
    }

    /**
     * The exception progress-service's answer stands for: the subclass matching {@code problem.status()},
     * the base class for other statuses (405, 406, 3xx, ...).
     *
     * @param request what was asked, e.g. {@code "POST /api/projects/p/steps/clone/progress"}; may be null
     */
    public static ProgressClientException forProblem(ProblemDetails problem, String request) {
        return switch (problem.status()) {
            case 400, 415 -> new InvalidRequestException(problem, request);
            case 401 -> new UnauthorizedException(problem, request);
            case 403 -> new ForbiddenException(problem, request);
            case 404 -> new NotFoundException(problem, request);
            case 409 -> ConflictException.Kind.of(problem) == ConflictException.Kind.PROGRESS_REGRESSION
                    ? new ProgressRegressionException(problem, request)
                    : new ConflictException(problem, request);
            case 429 -> new RateLimitedException(problem, request, null, 1);
            default -> new ProgressClientException(problem, request);
        };
    }

    /** The problem as answered (or as made up for a non-problem answer); null when nothing was answered. */
    public ProblemDetails problem() {
        return problem;
    }

    /** The HTTP status, 0 when no answer was received. */
    public int status() {
        return problem == null ? 0 : problem.status();
    }

    public String title() {
        return problem == null ? null : problem.title();
    }

    public String detail() {
        return problem == null ? null : problem.detail();
    }

    /** The problem type URN, or null. */
    public String type() {
        return problem == null ? null : problem.type();
    }

    /** The rejected fields of a 400; empty otherwise. */
    public List<ProblemDetails.FieldError> errors() {
        return problem == null ? List.of() : problem.errors();
    }

    /** The call that failed, e.g. {@code "POST /api/projects/p/steps/clone/progress"}; may be null. */
    public String request() {
        return request;
    }

    static String describe(ProblemDetails problem, String request) {
        StringBuilder message = new StringBuilder();
        if (problem != null) {
            message.append(problem.status()).append(' ').append(problem.title());
            if (problem.detail() != null && !problem.detail().isBlank()) {
                message.append(": ").append(problem.detail());
            }
        }
        if (request != null) {
            message.append(message.length() == 0 ? "" : " ").append('(').append(request).append(')');
        }
        return message.toString();
    }
}
