package io.stepprogress.alert.state;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Kinds of alert the service lists; written in lower case on the wire. */
public enum AlertType {
    /** A running initialization with no event for longer than {@code alert.stall-after}. */
    STALLED,
    /** A failed initialization, listed for {@code alert.failed-retention} or until the project restarts. */
    FAILED;

    /** "stalled, failed": for error messages. */
    public static final String WIRE_NAMES = Arrays.stream(values()).map(AlertType::wireName)
            .collect(Collectors.joining(", "));

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type of that wire name; empty for anything else. */
    public static Optional<AlertType> fromWire(String value) {
        return Arrays.stream(values()).filter(type -> type.wireName().equals(value)).findFirst();
    }
}
