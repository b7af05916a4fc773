package io.stepprogress.notifier.sse;

import io.stepprogress.notifier.readmodel.StreamEvent;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Server-Sent Events frames of stream events: {@code event:} name, {@code id:} (the project sequence, for the
 * project stream's snapshot and progress events), {@code data:} the JSON payload. The part before the payload is
 * encoded once per event (see {@link StreamEvent#encoded}) and the payload appended from the event's bytes, so
 * every subscriber gets the same bytes and the read model keeps no second copy of them.
 */
final class SseEncoding implements StreamEvent.Encoding<SseEncoding.Frame> {

    private static final SseEncoding INSTANCE = new SseEncoding();
    private static final Buffer FRAME_END = Buffer.buffer("\n\n");

    /**
     * @param head       {@code event:}, {@code id:} and {@code data: }, to be followed by the payload and a blank
     *                   line; or, when {@code whole}, the whole frame (a payload with line breaks, split into data
     *                   lines, or no frame at all for an end only)
     * @param end        the {@code end} frame that follows when the event ends a project stream; else null
     */
    record Frame(Buffer head, boolean whole, Buffer end) {
    }

    private SseEncoding() {
    }

    static SseEncoding instance() {
        return INSTANCE;
    }

    /** Appends the event's frame, and its {@code end} frame when it ends a project stream. */
    static void append(StreamEvent event, Buffer out) {
        Frame frame = event.encoded(INSTANCE);
        out.appendBuffer(frame.head());
        if (!frame.whole()) {
            out.appendBytes(event.json()).appendBuffer(FRAME_END);
        }
        if (frame.end() != null) {
            out.appendBuffer(frame.end());
        }
    }

    static Buffer comment(String text) {
        return Buffer.buffer(": " + text + "\n\n");
    }

    @Override
    public Frame encode(StreamEvent event) {
        Buffer end = event.endsProjectStream() ? Buffer.buffer(frame("end", 0, "{\"projectId\":\""
                + event.projectId() + "\",\"status\":\"" + event.status().wireName() + "\",\"sequence\":"
                + event.sequence() + "}")) : null;
        if (event.kind() == StreamEvent.Kind.END) {
            return new Frame(Buffer.buffer(), true, end);
        }
        String name = name(event.kind());
        long id = event.kind() == StreamEvent.Kind.SNAPSHOT || event.kind() == StreamEvent.Kind.PROGRESS
                ? event.sequence() : 0;
        if (hasLineBreak(event.json())) {
            return new Frame(Buffer.buffer(frame(name, id, new String(event.json(), StandardCharsets.UTF_8))), true,
                    end);
        }
        return new Frame(Buffer.buffer(head(name, id).append("data: ").toString()), false, end);
    }

    private static String name(StreamEvent.Kind kind) {
        return switch (kind) {
            case SNAPSHOT -> "snapshot";
            case PROGRESS -> "progress";
            case END -> "end";
            case PROJECTS -> "projects";
            case PROJECT -> "project";
        };
    }

    /** A whole frame: a data field cannot hold a line break, so each line of the payload is a data line. */
    static String frame(String event, long id, String data) {
        StringBuilder text = head(event, id);
        for (String line : data.split("\r\n|\r|\n", -1)) {
            text.append("data: ").append(line).append('\n');
        }
        return text.append('\n').toString();
    }

    private static StringBuilder head(String event, long id) {
        StringBuilder text = new StringBuilder(48).append("event: ").append(event).append('\n');
        if (id > 0) {
            text.append("id: ").append(id).append('\n');
        }
        return text;
    }

    /** JSON from Jackson has none: the common case needs no split (no regular expression per frame). */
    private static boolean hasLineBreak(byte[] json) {
        for (byte b : json) {
            if (b == '\n' || b == '\r') {
                return true;
            }
        }
        return false;
    }
}
