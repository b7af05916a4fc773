package io.stepprogress.problem;

import java.util.OptionalLong;
import java.util.regex.Pattern;

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
        OptionalLong parsed = asciiInteger(value);
        if (parsed.isPresent() && parsed.getAsLong() >= min && parsed.getAsLong() <= max) {
            return (int) parsed.getAsLong();
        }
        throw new InvalidParameterException(name, "must be an integer between " + min + " and " + max);
    }

    /**
     * An integer written in ASCII digits, surrounding spaces allowed. Not {@code Long.parseLong} on
     * {@code trim()} alone: that takes Arabic-Indic or full-width digits, and {@code trim()} drops NUL and
     * other controls, so "5\u0000" would have passed for 5.
     */
    public static OptionalLong asciiInteger(String value) {
        String stripped = value == null ? "" : value.strip();
        if (!ASCII_INTEGER.matcher(stripped).matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(stripped));
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // out of range of a long
        }
    }

    private static final Pattern ASCII_INTEGER = Pattern.compile("[+-]?[0-9]{1,19}");
}
