package io.stepprogress.client;

/** 403: the token is valid but may not do this (e.g. not for this project). */
public class ForbiddenException extends ProgressClientException {

    public ForbiddenException(ProblemDetails problem, String request) {
        super(problem, request);
    }
}
