package io.stepprogress.notifier.sse;

import io.stepprogress.notifier.NotifierConfig;
import io.stepprogress.notifier.readmodel.Frame;
import io.stepprogress.notifier.readmodel.Subscriber;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One browser's stream. Frames arrive from the Kafka thread and are written on the connection's own event
 * loop, in order; a frame whose sequence is not above the last one written is never written. A client that
 * does not read fills a bounded queue and is then disconnected, so it never slows anyone else; it
 * reconnects with Last-Event-ID and resumes.
 */
final class SseConnection implements Subscriber {

    private final HttpServerResponse response;
    private final Context context;
    private final Vertx vertx;
    private final NotifierConfig.Sse config;
    private final SseMetrics metrics;
    private final Runnable onClose;
    private final ArrayDeque<Frame> pending = new ArrayDeque<>();
    private long lastSequence;
    private long keepAliveTimer = -1;
    private boolean closed;

    SseConnection(HttpServerResponse response, Vertx vertx, NotifierConfig.Sse config, SseMetrics metrics,
                  Runnable onClose) {
        this.response = response;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.config = config;
        this.metrics = metrics;
        this.onClose = onClose;
    }

    /** Sends the headers and the reconnect delay at once, so the browser's EventSource opens immediately. */
    void open() {
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache, no-transform")
                .putHeader("X-Accel-Buffering", "no")
                .setWriteQueueMaxSize(config.writeQueueBytes());
        response.closeHandler(v -> closed());
        response.drainHandler(v -> flush());
        response.write(Buffer.buffer("retry: " + config.retry().toMillis() + "\n: connected\n\n"));
        keepAliveTimer = vertx.setPeriodic(config.keepAlive().toMillis(), id -> {
            if (!closed && !response.writeQueueFull()) {
                response.write(Frame.comment("keep-alive"));
            }
        });
        metrics.opened();
    }

    @Override
    public void deliver(List<Frame> frames) {
        context.runOnContext(v -> frames.forEach(this::offer));
    }

    private void offer(Frame frame) {
        if (closed) {
            return;
        }
        if (frame.sequence() > 0) {
            if (frame.sequence() <= lastSequence) {
                return;
            }
            lastSequence = frame.sequence();
        }
        pending.addLast(frame);
        if (pending.size() > config.maxPendingFrames()) {
            metrics.droppedSlowClient();
            pending.clear();
            response.close();
            closed();
            return;
        }
        flush();
    }

    private void flush() {
        while (!closed && !pending.isEmpty() && !response.writeQueueFull()) {
            Frame frame = pending.removeFirst();
            if (frame.bytes().length() > 0) {
                response.write(frame.bytes());
                metrics.delivered(frame.occurredAt());
            }
            if (frame.end() != null) {
                // The run is over: say so, and close, so the browser stops reconnecting.
                response.end(frame.end());
                closed();
                return;
            }
        }
    }

    private void closed() {
        if (closed) {
            return;
        }
        closed = true;
        pending.clear();
        vertx.cancelTimer(keepAliveTimer);
        metrics.closed();
        onClose.run();
    }
}
