package io.stepprogress.notifier.sse;

import io.stepprogress.notifier.NotifierConfig;
import io.stepprogress.notifier.readmodel.Frame;
import io.stepprogress.notifier.readmodel.Subscriber;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One browser's stream. Frames arrive from the Kafka thread into a bounded inbox and are written on the
 * connection's own event loop, in order, by one drain task at a time (frames that arrive together leave in
 * one write); a frame whose sequence is not above the last one written is never written. A client that does
 * not read, or an event loop that cannot keep up with it, fills the bounded queue and the connection is
 * closed, so it never slows anyone else and memory stays bounded; it reconnects with Last-Event-ID and resumes.
 */
final class SseConnection implements Subscriber {

    private final HttpServerResponse response;
    private final Context context;
    private final Vertx vertx;
    private final NotifierConfig.Sse config;
    private final SseMetrics metrics;
    private final Runnable onClose;
    private final ArrayDeque<Frame> pending = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Frame> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxSize = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private long lastSequence;
    private long keepAliveTimer = -1;
    private volatile boolean closed;

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

    /** Called by the read model (any thread); never blocks. */
    @Override
    public void deliver(List<Frame> frames) {
        if (closed) {
            return;
        }
        frames.forEach(inbox::add);
        inboxSize.addAndGet(frames.size());
        if (drainScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    private void drain() {
        drainScheduled.set(false);
        Frame frame;
        while ((frame = inbox.poll()) != null) {
            inboxSize.decrementAndGet();
            if (!closed) {
                accept(frame);
            }
        }
        if (pending.size() + inboxSize.get() > config.maxPendingFrames()) {
            dropSlowClient();
            return;
        }
        flush();
    }

    private void accept(Frame frame) {
        if (frame.sequence() > 0) {
            if (frame.sequence() <= lastSequence) {
                return;
            }
            lastSequence = frame.sequence();
        }
        pending.addLast(frame);
    }

    private void dropSlowClient() {
        metrics.droppedSlowClient();
        pending.clear();
        inbox.clear();
        response.close();
        closed();
    }

    private void flush() {
        while (!closed && !pending.isEmpty() && !response.writeQueueFull()) {
            // Everything waiting goes out in one write (one syscall), up to the end of the run.
            Buffer batch = Buffer.buffer();
            Buffer end = null;
            Instant now = Instant.now();
            while (!pending.isEmpty() && end == null) {
                Frame next = pending.removeFirst();
                if (next.bytes().length() > 0) {
                    batch.appendBuffer(next.bytes());
                    metrics.delivered(next.occurredAt(), now);
                }
                end = next.end();
            }
            if (end != null) {
                // The run is over: say so, and close, so the browser stops reconnecting.
                response.end(batch.appendBuffer(end));
                closed();
                return;
            }
            response.write(batch);
        }
    }

    private void closed() {
        if (closed) {
            return;
        }
        closed = true;
        pending.clear();
        inbox.clear();
        vertx.cancelTimer(keepAliveTimer);
        metrics.closed();
        onClose.run();
    }
}
