package io.stepprogress.progress.initialization;

import io.stepprogress.problem.ProblemException;

/** No initialization for that project, or no such step in its plan: 404. */
public final class InitializationNotFoundException extends ProblemException {

    private InitializationNotFoundException(String title, String detail) {
        super(404, title, detail);
    }

    public static InitializationNotFoundException project(String projectId) {
        return new InitializationNotFoundException("Unknown project",
                "project '" + projectId + "' has no initialization; start one with PUT /api/projects/"
                        + projectId + "/initialization");
    }

    public static InitializationNotFoundException step(String projectId, String step) {
        return new InitializationNotFoundException("Unknown step",
                "the plan of project '" + projectId + "' has no step '" + step + "'");
    }
}
