package io.stepprogress.progress.initialization;

import io.stepprogress.problem.ProblemException;

/** A plan breaks a rule (empty, too long, duplicate names, weight <= 0): 400. */
public final class InvalidPlanException extends ProblemException {
    public InvalidPlanException(String detail) {
        super(400, "Invalid plan", detail);
    }
}
