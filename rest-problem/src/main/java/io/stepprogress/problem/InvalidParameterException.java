package io.stepprogress.problem;

/**
 * A query or path parameter the framework could not check on its own (JAX-RS answers 404, not 400, when a
 * query parameter does not convert to its Java type, so such parameters are read as text and parsed here).
 */
public final class InvalidParameterException extends ProblemException {

    public InvalidParameterException(String parameter, String message) {
        super(400, "Invalid request", parameter + " " + message);
    }

    /** Parses an optional integer query parameter within bounds. */
    public static int intParameter(String name, String value, int defaultValue, int min, int max) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidParameterException(name, "must be an integer between " + min + " and " + max);
    }
}
