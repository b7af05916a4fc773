package io.stepprogress.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.util.Locale;

/**
 * Every string a request body carries, checked once where JSON becomes Java rather than field by field:
 * a new text field is covered without anyone remembering an annotation.
 * <p>
 * Refused: C0 controls (NUL included: PostgreSQL cannot store it in text, so it used to surface as a 500),
 * DEL, C1 controls, and unpaired surrogates (they are not Unicode text: the database driver would store
 * them as '?'). Allowed: tab, line feed and carriage return, because messages and failure reasons are free
 * text a worker may copy from a command's output; they are stored as they are, travel JSON-escaped in
 * events and streams, and the page renders them as text. Names and ids are held to their own patterns.
 */
final class PlainText extends StdScalarDeserializer<String> {

    PlainText() {
        super(String.class);
    }

    @Override
    public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        String value = StringDeserializer.instance.deserialize(parser, context);
        int bad = firstRefused(value);
        if (bad >= 0) {
            throw new Refused(parser, value, bad);
        }
        return value;
    }

    /** The index of the first character a text field may not hold, or -1. */
    static int firstRefused(String value) {
        if (value == null) {
            return -1;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c) || refusedControl(c)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean refusedControl(char c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    /** How the problem detail names the character: its code point, never the character itself. */
    static String describe(String value, int index) {
        char c = value.charAt(index);
        String code = String.format(Locale.ROOT, "U+%04X", (int) c);
        return Character.isSurrogate(c)
                ? "must be valid Unicode text (unpaired surrogate " + code + " at position " + (index + 1) + ")"
                : "must not contain control characters (" + code + " at position " + (index + 1)
                        + "; tab and line breaks are allowed)";
    }

    /** A mismatch, so Jackson adds the field's path on the way out and the mappers can name it. */
    static final class Refused extends MismatchedInputException {
        private final String reason;

        Refused(JsonParser parser, String value, int index) {
            super(parser, "text field " + describe(value, index), String.class);
            this.reason = describe(value, index);
        }

        String reason() {
            return reason;
        }
    }
}
