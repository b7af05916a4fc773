package io.stepprogress.client;

import java.util.Locale;

/**
 * 404: the project has no initialization (start it first), its plan has no such step, or — {@link Kind#OTHER}
 * — nothing answers at that path at all, which usually means a wrong base URL.
 */
public class NotFoundException extends ProgressClientException {

    public enum Kind {
        UNKNOWN_PROJECT, UNKNOWN_STEP, OTHER
    }

    private final Kind kind;

    public NotFoundException(ProblemDetails problem, String request) {
        super(problem, request);
        String title = problem.title().toLowerCase(Locale.ROOT);
        this.kind = switch (title) {
            case "unknown project" -> Kind.UNKNOWN_PROJECT;
            case "unknown step" -> Kind.UNKNOWN_STEP;
            default -> Kind.OTHER;
        };
    }

    public Kind kind() {
        return kind;
    }
}
