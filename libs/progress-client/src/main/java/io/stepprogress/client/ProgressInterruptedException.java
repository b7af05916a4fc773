package io.stepprogress.client;

/**
 * The calling thread was interrupted while it waited for an answer or for its next attempt. The thread's
 * interrupt flag is set again before this is thrown, so shutdown logic that checks it keeps working.
 * Whether the call reached progress-service is unknown.
 */
public class ProgressInterruptedException extends ProgressClientException {

    public ProgressInterruptedException(String request, InterruptedException cause) {
        super("interrupted" + (request == null ? "" : " (" + request + ")"), null, request, cause);
    }
}
