package io.stepprogress.client;

/**
 * 400 or 415: progress-service rejected the input (bad id, progress outside 0..100, message too long,
 * invalid plan, ...). {@link #errors()} names the fields. Nothing was written; retrying the same call
 * cannot succeed.
 */
public class InvalidRequestException extends ProgressClientException {

    public InvalidRequestException(ProblemDetails problem, String request) {
        super(problem, request);
    }
}
