package io.stepprogress.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a {@link StepProgressUpdated} records. All changes share one event type so that one per-project
 * sequence orders them; this field tells consumers which kind of change it was without diffing views.
 */
public enum ChangeKind {
    /** A plan was (re)started; {@code step} is null. */
    INITIALIZED,
    /** A step's progress or message moved; a pending step becomes running. */
    PROGRESSED,
    COMPLETED,
    FAILED,
    /** The whole initialization was cancelled; {@code step} is null. */
    CANCELLED;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static ChangeKind fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
