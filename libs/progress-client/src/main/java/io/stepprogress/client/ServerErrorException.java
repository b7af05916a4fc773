package io.stepprogress.client;

/**
 * A 5xx answer. Not thrown on its own: it is the {@linkplain ProgressUnavailableException#getCause() cause}
 * of a {@link ProgressUnavailableException} once the retries are used up. For a 500, {@link #detail()}
 * holds the error id to quote to the operators.
 */
public class ServerErrorException extends ProgressClientException {

    public ServerErrorException(ProblemDetails problem, String request) {
        super(problem, request);
    }
}
