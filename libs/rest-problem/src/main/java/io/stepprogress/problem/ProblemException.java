package io.stepprogress.problem;

import java.util.Map;

/**
 * A failure the caller caused and can understand: mapped to an RFC 9457 problem with this status, title
 * and detail. The detail is written for the caller; it never carries class names or stack traces.
 */
public abstract class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final Map<String, String> headers;

    protected ProblemException(int status, String title, String detail) {
        this(status, title, detail, Map.of());
    }

    /** @param headers sent with the problem, e.g. {@code WWW-Authenticate} or {@code Retry-After} */
    protected ProblemException(int status, String title, String detail, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.headers = Map.copyOf(headers);
    }

    public Map<String, String> headers() {
        return headers;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
