package io.stepprogress.notifier.readmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * What a stream hands its subscribers, free of any wire format: the kind of event, whose it is, its sequence and
 * its JSON payload (the contract's one JSON form). A transport turns it into its own frames (see the {@code sse}
 * package) through {@link #encoded}, once per event, however many subscribers receive it.
 */
public final class StreamEvent {

    /** The kinds of event, project stream first, then the overview's. */
    public enum Kind {
        /** A project's whole current view: what a project stream starts with when it cannot replay events. */
        SNAPSHOT,
        /** One {@link StepProgressUpdated} of a project, as published. */
        PROGRESS,
        /** Nothing more: the run is finished and the subscriber has seen its last state. */
        END,
        /** The overview's first event: recent views. */
        PROJECTS,
        /** The overview: one project's view after a change. */
        PROJECT
    }

    private static final ObjectMapper MAPPER = EventJson.configure(new ObjectMapper());
    private static final byte[] NO_DATA = new byte[0];

    private final Kind kind;
    private final String projectId;
    private final long sequence;
    private final Instant occurredAt;
    private final byte[] json;
    private final InitializationStatus status;
    private final boolean statusChange;
    private volatile Encoded encoded;

    private StreamEvent(Kind kind, String projectId, long sequence, Instant occurredAt, byte[] json,
                        InitializationStatus status, boolean statusChange) {
        this.kind = kind;
        this.projectId = projectId;
        this.sequence = sequence;
        this.occurredAt = occurredAt;
        this.json = json;
        this.status = status;
        this.statusChange = statusChange;
    }

    /**
     * @param json         the event as published (passed through untouched)
     * @param statusChange whether it changed a status (see {@link #statusChange()})
     */
    public static StreamEvent progress(StepProgressUpdated event, byte[] json, boolean statusChange) {
        return new StreamEvent(Kind.PROGRESS, event.projectId(), event.sequence(), event.occurredAt(), json,
                event.initialization().status(), statusChange);
    }

    /** A progress event read back from the history (see {@link HistoryLog}), as it was first delivered. */
    static StreamEvent replayed(String projectId, long sequence, Instant occurredAt, byte[] json,
                                InitializationStatus status, boolean statusChange) {
        return new StreamEvent(Kind.PROGRESS, projectId, sequence, occurredAt, json, status, statusChange);
    }

    /** @param resumed null when the client asked for no resume; false when it asked and could not be resumed */
    public static StreamEvent snapshot(InitializationView view, Boolean resumed) {
        String data;
        if (resumed == null) {
            data = EventJson.write(view);
        } else {
            ObjectNode node = MAPPER.valueToTree(view);
            node.put("resumed", resumed);
            try {
                data = MAPPER.writeValueAsString(node);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return new StreamEvent(Kind.SNAPSHOT, view.projectId(), view.sequence(), null, utf8(data), view.status(),
                true);
    }

    /** For a subscriber already caught up with a finished run: only the end is left to say. */
    public static StreamEvent end(InitializationView view) {
        return new StreamEvent(Kind.END, view.projectId(), view.sequence(), null, NO_DATA, view.status(), true);
    }

    public static StreamEvent projects(List<InitializationView> views) {
        return new StreamEvent(Kind.PROJECTS, null, 0, null, utf8(EventJson.write(views)), null, true);
    }

    /** @param occurredAt when the change happened; null for a view read from the source of truth */
    public static StreamEvent project(InitializationView view, Instant occurredAt, boolean statusChange) {
        return new StreamEvent(Kind.PROJECT, view.projectId(), view.sequence(), occurredAt,
                utf8(EventJson.write(view)), view.status(), statusChange);
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    public Kind kind() {
        return kind;
    }

    /** Null for {@link Kind#PROJECTS}. */
    public String projectId() {
        return projectId;
    }

    /** The project sequence the event brings its subscriber to; 0 for {@link Kind#PROJECTS}. */
    public long sequence() {
        return sequence;
    }

    /** When the change happened, for delivery-lag metrics; null for snapshots, ends and lists. */
    public Instant occurredAt() {
        return occurredAt;
    }

    /** The JSON payload, UTF-8; empty for {@link Kind#END}. Shared: never modify it. */
    public byte[] json() {
        return json;
    }

    /** The run's status after the event; null for {@link Kind#PROJECTS}. */
    public InitializationStatus status() {
        return status;
    }

    /**
     * Whether the event changed a status (a step started, completed or failed; the run started, was restarted
     * or ended), or may have (nothing to compare it with): such an event is never merged away.
     */
    public boolean statusChange() {
        return statusChange;
    }

    /** A project stream's last event: its run is finished, so the stream ends after it. */
    public boolean endsProjectStream() {
        return (kind == Kind.SNAPSHOT || kind == Kind.PROGRESS || kind == Kind.END) && status.finished();
    }

    /**
     * Whether {@code newer}, of the same project and kind and with a later sequence, makes this one unnecessary
     * for a subscriber that is behind: it carries the whole view too, and this one changed no status.
     */
    public boolean mergeableInto(StreamEvent newer) {
        return (kind == Kind.PROGRESS || kind == Kind.PROJECT) && !statusChange && newer.kind == kind
                && newer.sequence > sequence && projectId.equals(newer.projectId);
    }

    /**
     * This event in a transport's encoding, computed on first use and kept, so that every subscriber is sent
     * the same bytes. One encoding is kept at a time: a second transport would recompute its own.
     */
    @SuppressWarnings("unchecked")
    public <T> T encoded(Encoding<T> encoding) {
        Encoded memo = encoded;
        if (memo != null && memo.encoding() == encoding) {
            return (T) memo.value();
        }
        T value = encoding.encode(this);
        encoded = new Encoded(encoding, value);
        return value;
    }

    @Override
    public String toString() {
        return kind + "[" + projectId + "#" + sequence + (statusChange ? ", status change" : "") + "]";
    }

    /** How a transport encodes events: a pure function, called at most once per event (races aside). */
    @FunctionalInterface
    public interface Encoding<T> {
        T encode(StreamEvent event);
    }

    private record Encoded(Encoding<?> encoding, Object value) {
    }
}
