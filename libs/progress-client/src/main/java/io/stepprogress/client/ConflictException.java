package io.stepprogress.client;

import java.util.Locale;

/**
 * 409: the call does not fit the initialization's state; nothing was written. {@link #kind()} says why.
 * A regression is raised as the subclass {@link ProgressRegressionException}.
 */
public class ConflictException extends ProgressClientException {

    /** The 409s progress-service answers, told apart by the problem's title (or its type URN). */
    public enum Kind {
        /** A lower progress than the step already has. */
        PROGRESS_REGRESSION("Progress regression"),
        /** The step is completed or failed and takes no more updates. */
        STEP_FINISHED("Step finished"),
        /** The initialization is completed, failed or cancelled; only its next run ({@code startRun}) starts again. */
        INITIALIZATION_FINISHED("Initialization finished"),
        /** {@code start} with a plan other than the current run's. */
        CONFLICTING_PLAN("Conflicting plan"),
        /** {@code startRun} of the next run while the current one is still in progress. */
        RUN_IN_PROGRESS("Run in progress"),
        /** {@code startRun} with a number that is neither the current run nor the next. */
        UNKNOWN_RUN("Unknown run"),
        /** A 409 this client version does not know. */
        OTHER(null);

        private final String title;

        Kind(String title) {
            this.title = title;
        }

        /** The problem title progress-service uses for this kind; null for {@link #OTHER}. */
        public String title() {
            return title;
        }

        static Kind of(ProblemDetails problem) {
            String slug = problem.type() == null ? "" : problem.type().substring(problem.type().lastIndexOf(':') + 1);
            for (Kind kind : values()) {
                if (kind.title != null && (kind.title.equalsIgnoreCase(problem.title().trim())
                        || slug.equals(kind.title.toLowerCase(Locale.ROOT).replace(' ', '-')))) {
                    return kind;
                }
            }
            return OTHER;
        }
    }

    private final Kind kind;

    public ConflictException(ProblemDetails problem, String request) {
        super(problem, request);
        this.kind = Kind.of(problem);
    }

    public Kind kind() {
        return kind;
    }
}
