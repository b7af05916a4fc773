package io.stepprogress.client;

/**
 * 409 "Progress regression": the step already reports more than this call. Typical after a worker restart
 * that starts counting again from 0; re-read the view with {@link ProgressClient#progress(String)} and
 * continue from the step's progress.
 */
public class ProgressRegressionException extends ConflictException {

    public ProgressRegressionException(ProblemDetails problem, String request) {
        super(problem, request);
    }
}
