package io.stepprogress.client;

/**
 * progress-service gave no usable answer within the attempts allowed: connection refused or reset,
 * timeouts, 5xx. The cause is the last failure: an {@link java.io.IOException} (e.g.
 * {@link java.net.ConnectException}, {@link java.net.http.HttpTimeoutException}) or a
 * {@link ServerErrorException}. Whether the last attempt was applied is unknown, but every call is
 * idempotent, so repeating it later is safe.
 */
public class ProgressUnavailableException extends ProgressClientException {

    private final int attempts;

    public ProgressUnavailableException(String request, int attempts, Throwable cause) {
        super("progress-service unavailable after " + attempts + (attempts == 1 ? " attempt" : " attempts")
                        + (request == null ? "" : " (" + request + ")") + ": " + cause,
                cause instanceof ProgressClientException answer ? answer.problem() : null, request, cause);
        this.attempts = attempts;
    }

    /** How many requests were sent (or tried to be). */
    public int attempts() {
        return attempts;
    }
}
