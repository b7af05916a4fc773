package io.stepprogress.progress.initialization;

import io.stepprogress.problem.ProblemException;

/** The change contradicts the current state (regression, finished step or initialization, other plan): 409. */
public final class TransitionRejectedException extends ProblemException {
    public TransitionRejectedException(String title, String detail) {
        super(409, title, detail);
    }
}
