package io.stepprogress.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Locale;

/** An RFC 9457 problem details body ({@code application/problem+json}). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance,
                      List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One rejected input: {@code field} is the JSON field or path parameter name. */
    public record FieldError(String field, String message) {
    }

    public static Problem of(int status, String title, String detail, String instance, List<FieldError> errors) {
        String slug = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return new Problem("urn:step-progress:problem:" + slug, title, status, detail, instance, errors);
    }
}
