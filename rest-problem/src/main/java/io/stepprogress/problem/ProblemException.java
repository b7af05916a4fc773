package io.stepprogress.problem;

/**
 * A failure the caller caused and can understand: mapped to an RFC 9457 problem with this status, title
 * and detail. The detail is written for the caller; it never carries class names or stack traces.
 */
public abstract class ProblemException extends RuntimeException {

    private final int status;
    private final String title;

    protected ProblemException(int status, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
