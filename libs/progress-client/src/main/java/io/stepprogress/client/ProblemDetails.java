package io.stepprogress.client;

import java.util.List;
import java.util.Objects;

/**
 * An RFC 9457 problem as progress-service answers it ({@code application/problem+json}). When an error
 * response is not a problem (a proxy's HTML page, say), the client fills in {@code title} "HTTP &lt;status&gt;"
 * and the start of the body as {@code detail}.
 *
 * @param type     a URN such as {@code urn:step-progress:problem:progress-regression}; may be null
 * @param title    short and stable per kind of problem, e.g. "Progress regression"; never null
 * @param status   the HTTP status code
 * @param detail   the explanation for this occurrence; may be null
 * @param instance the request path; may be null
 * @param errors   the rejected fields of a 400, empty otherwise
 */
public record ProblemDetails(String type, String title, int status, String detail, String instance,
                             List<FieldError> errors) {

    public ProblemDetails {
        Objects.requireNonNull(title, "title");
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static ProblemDetails of(int status, String title, String detail) {
        return new ProblemDetails(null, title, status, detail, null, List.of());
    }

    /** One rejected input: {@code field} is a JSON field ({@code steps[0].weight}) or path parameter name. */
    public record FieldError(String field, String message) {
    }
}
