package io.stepprogress.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What was wrong with a JSON body, in the caller's terms: the field at fault (JSON path such as
 * {@code steps[0].label}) when there is one, and a detail that never quotes Jackson's own messages, which
 * name Java classes and features.
 *
 * @param field   the JSON path of the field at fault, or null when the fault is the body as a whole
 * @param message what is wrong with that field (null without a field)
 * @param detail  one sentence for the problem's {@code detail}
 */
record JsonFault(String field, String message, String detail) {

    /** Longer names are cut: an unknown field's name is the caller's text, echoed back. */
    private static final int MAX_NAME = 64;

    static JsonFault of(JsonProcessingException e) {
        String at = location(e);
        String original = Objects.requireNonNullElse(e.getOriginalMessage(), "");
        if (e instanceof PlainText.Refused refused) {
            return field(path((JsonMappingException) e), refused.reason(), at);
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return field(path(unknown), "is not a field of this request" + known(unknown.getKnownPropertyIds()), at);
        }
        // A parse failure inside a nested object reaches us wrapped, with a path that stops at the object.
        if (e instanceof JsonMappingException && e.getCause() instanceof StreamReadException read
                && !(read instanceof InputCoercionException)) {
            return of(read);
        }
        if (e instanceof StreamReadException && !(e instanceof InputCoercionException)) {
            // Jackson's duplicate detection reports no path, only this message; the parser still knows where it was.
            if (original.startsWith("Duplicate field '") && e.getProcessor() instanceof JsonParser parser) {
                return field(contextPath(parser.getParsingContext()), "is given more than once", at);
            }
            if (trailing(e)) {
                return whole(TRAILING + at);
            }
            return whole("the body is not valid JSON" + at);
        }
        if (e instanceof MismatchedInputException && original.startsWith("Trailing token")) {
            return whole(TRAILING + at);
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String message = e.getCause() instanceof InputCoercionException ? "is out of range" : "must be " + expected(e);
            return field(path(mapping), message, at);
        }
        return whole("the body does not match the expected JSON object" + at);
    }

    private static final String TRAILING = "the body must be exactly one JSON value, but more follows it";

    private static JsonFault field(String field, String message, String at) {
        return new JsonFault(field, message, "field '" + field + "' " + message + at);
    }

    private static JsonFault whole(String detail) {
        return new JsonFault(null, null, detail);
    }

    /**
     * Something after the first value: a second value (the parser started another root entry) or a close
     * marker with nothing open. The parse failure alone cannot tell "xyz" from "{...}xyz".
     */
    private static boolean trailing(JsonProcessingException e) {
        if (!(e.getProcessor() instanceof JsonParser parser)) {
            return false;
        }
        JsonStreamContext context = parser.getParsingContext();
        if (context == null || !context.inRoot()) {
            return false;
        }
        return context.getEntryCount() > 1
                || (context.getEntryCount() == 1 && e.getOriginalMessage() != null
                && e.getOriginalMessage().startsWith("Unexpected close marker"));
    }

    private static String known(Collection<Object> ids) {
        if (ids == null || ids.isEmpty()) {
            return "";
        }
        return " (known: " + ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
    }

    static String path(JsonMappingException mapping) {
        return mapping.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? printable(ref.getFieldName()) : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    /** "steps[0].name" for the parser's position when it stopped. */
    static String contextPath(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.push("." + printable(c.getCurrentName()));
            }
        }
        String joined = String.join("", parts);
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }

    /** The caller's own name for a field, made safe to echo: controls as escapes, and not too long. */
    static String printable(String name) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (; i < name.length() && out.length() < MAX_NAME; i++) {
            char c = name.charAt(i);
            boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.isSurrogate(c);
            out.append(control ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
        }
        return i < name.length() ? out + "…" : out.toString();
    }

    private static String expected(JsonProcessingException e) {
        Class<?> target = e instanceof MismatchedInputException mismatch ? mismatch.getTargetType() : null;
        if (target == null) {
            return "of another type";
        }
        if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
            return "an integer";
        }
        if (target == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(target)) {
            return "an array";
        }
        return "an object";
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
