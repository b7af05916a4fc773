package io.stepprogress.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

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

    /** @throws InvalidEventException when the bytes are not a {@link StepProgressUpdated} */
    public static StepProgressUpdated read(byte[] json) {
        try {
            StepProgressUpdated event = MAPPER.readValue(json, StepProgressUpdated.class);
            if (event == null || event.eventId() == null || event.projectId() == null
                    || event.sequence() < 1 || event.initialization() == null) {
                throw new InvalidEventException("not a StepProgressUpdated: eventId, projectId, sequence >= 1 "
                        + "and initialization are required");
            }
            return event;
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("unparseable event: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
