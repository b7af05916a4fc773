package io.stepprogress.notifier.readmodel;

import io.stepprogress.event.InitializationView;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;

/**
 * One Server-Sent Events frame, encoded once and written to every subscriber as the same bytes.
 *
 * @param sequence   the project sequence it carries (the SSE id); 0 for frames without one
 * @param occurredAt when the event happened, for delivery-lag metrics; null for snapshots and lists
 * @param bytes      the encoded frame
 * @param end        when the initialization is finished with this frame: the {@code end} frame to write after
 *                   it before closing the stream; null otherwise
 */
public record Frame(long sequence, Instant occurredAt, Buffer bytes, Buffer end) {

    public static Frame of(String event, long sequence, String data, Instant occurredAt) {
        return new Frame(sequence, occurredAt, encode(event, sequence, data), null);
    }

    /** A frame after which the stream ends when {@code view} is finished. */
    public static Frame of(String event, long sequence, String data, Instant occurredAt, InitializationView view) {
        Buffer end = view.status().finished()
                ? encode("end", 0, "{\"projectId\":\"" + view.projectId() + "\",\"status\":\""
                        + view.status().wireName() + "\",\"sequence\":" + view.sequence() + "}")
                : null;
        return new Frame(sequence, occurredAt, encode(event, sequence, data), end);
    }

    /** Nothing to send but the end: for a client already caught up with a finished run. */
    public static Frame endOf(InitializationView view) {
        Frame withEnd = of("end", 0, "", null, view);
        return new Frame(0, null, Buffer.buffer(), withEnd.end());
    }

    public static Buffer comment(String text) {
        return Buffer.buffer(": " + text + "\n\n");
    }

    private static Buffer encode(String event, long sequence, String data) {
        StringBuilder text = new StringBuilder(data.length() + 48).append("event: ").append(event).append('\n');
        if (sequence > 0) {
            text.append("id: ").append(sequence).append('\n');
        }
        // A data field cannot hold a line break: each line of the payload becomes its own data line. JSON
        // from Jackson has none, so the common case skips the regular expression (a fifth of the notifier's
        // CPU per event in a profile of the benchmark).
        if (data.indexOf('\n') < 0 && data.indexOf('\r') < 0) {
            text.append("data: ").append(data).append('\n');
        } else {
            for (String line : data.split("\r\n|\r|\n", -1)) {
                text.append("data: ").append(line).append('\n');
            }
        }
        return Buffer.buffer(text.append('\n').toString());
    }
}
