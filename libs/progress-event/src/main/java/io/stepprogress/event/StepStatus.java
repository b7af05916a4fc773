package io.stepprogress.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Status of one step: {@code pending -> running -> completed | failed}; written in lower case on the wire. */
public enum StepStatus {
    PENDING, RUNNING, COMPLETED, FAILED;

    public boolean finished() {
        return this == COMPLETED || this == FAILED;
    }

    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static StepStatus fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
