package io.stepprogress.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one JSON form of the contract: ISO-8601 instants, lower-case enums, unknown fields ignored so
 * that older consumers survive newer producers. Thread-safe.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = configure(new ObjectMapper());

    private EventJson() {
    }

    /** Applies the contract's settings to a mapper a service already owns (e.g. Quarkus's). */
    public static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(new JavaTimeModule())
                .registerModule(IsoInstants.module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * Parses and checks every field a consumer relies on, so that an event with a hole is rejected here, with
     * its reason, instead of failing later (a NullPointerException in a consumer is retried, not dead-lettered).
     *
     * @param json the record value; null (a tombstone) is rejected too
     * @throws InvalidEventException when the bytes are not a {@link StepProgressUpdated}
     */
    public static StepProgressUpdated read(byte[] json) {
        if (json == null) {
            throw new InvalidEventException("no value (a tombstone): not a StepProgressUpdated");
        }
        StepProgressUpdated event;
        try {
            event = MAPPER.readValue(json, StepProgressUpdated.class);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("unparseable event: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (event == null) {
            throw new InvalidEventException("not a StepProgressUpdated: the value is JSON null");
        }
        List<String> missing = new ArrayList<>();
        if (event.eventId() == null) {
            missing.add("eventId");
        }
        if (event.projectId() == null) {
            missing.add("projectId");
        }
        if (event.sequence() < 1) {
            missing.add("sequence >= 1");
        }
        if (event.occurredAt() == null) {
            missing.add("occurredAt");
        }
        if (event.initialization() == null) {
            missing.add("initialization");
        } else if (event.initialization().status() == null) {
            missing.add("initialization.status");
        }
        if (!missing.isEmpty()) {
            throw new InvalidEventException("not a StepProgressUpdated: required " + String.join(", ", missing)
                    + " missing");
        }
        return event;
    }

    /** Raised for a record that cannot be a {@link StepProgressUpdated}: a poison message for consumers. */
    public static final class InvalidEventException extends RuntimeException {
        public InvalidEventException(String message) {
            super(message);
        }

        public InvalidEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
