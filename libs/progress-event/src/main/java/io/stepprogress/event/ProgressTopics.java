package io.stepprogress.event;

/** Names that producers and consumers must agree on; code and tests use these constants, never literals. */
public final class ProgressTopics {

    /** Every {@link StepProgressUpdated}, keyed by project id so one project's events keep their order. */
    public static final String PROJECT_PROGRESS = "project-progress";

    /** Kafka record header carrying {@link StepProgressUpdated#eventId()}, so consumers can dedupe without parsing. */
    public static final String EVENT_ID_HEADER = "eventId";

    /** Kafka record header carrying {@link StepProgressUpdated#type()}. */
    public static final String EVENT_TYPE_HEADER = "eventType";

    private ProgressTopics() {
    }
}
