package io.stepprogress.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Status of a project's initialization; written in lower case on the wire. */
public enum InitializationStatus {
    PENDING, RUNNING, COMPLETED, FAILED, CANCELLED;

    /** A finished initialization takes no more updates; only a new plan restarts it. */
    public boolean finished() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static InitializationStatus fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
