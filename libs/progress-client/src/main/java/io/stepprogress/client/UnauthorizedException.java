package io.stepprogress.client;

/** 401: no bearer token, or one progress-service does not accept. */
public class UnauthorizedException extends ProgressClientException {

    public UnauthorizedException(ProblemDetails problem, String request) {
        super(problem, request);
    }
}
