package io.stepprogress.event;

/** Names that producers and consumers must agree on; code and tests use these constants, never literals. */
public final class ProgressTopics {

    /** Every {@link StepProgressUpdated}, keyed by project id so one project's events keep their order. */
    public static final String PROJECT_PROGRESS = "project-progress";

    /** Kafka record header carrying {@link StepProgressUpdated#eventId()}, so consumers can dedupe without parsing. */
    public static final String EVENT_ID_HEADER = "eventId";

    /** Kafka record header carrying {@link StepProgressUpdated#type()}. */
    public static final String EVENT_TYPE_HEADER = "eventType";

    /**
     * Kafka record header carrying the W3C trace context ({@code 00-<trace id>-<span id>-<flags>}) of the relay's
     * publish span, whose parent is the worker's request; absent when tracing is off. See
     * {@link io.stepprogress.event.trace.EventTracing}.
     */
    public static final String TRACEPARENT_HEADER = "traceparent";

    private ProgressTopics() {
    }
}
