package io.stepprogress.notifier.sse;

import io.opentelemetry.api.trace.SpanKind;
import io.stepprogress.event.trace.EventTracing;
import io.stepprogress.event.trace.TracedWork;
import io.stepprogress.notifier.NotifierConfig;
import io.stepprogress.notifier.readmodel.Frame;
import io.stepprogress.notifier.readmodel.Subscriber;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
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
 * <p>
 * A stream lives no longer than the subscriber token it was opened with: at the token's expiry a final
 * {@code event: expired} frame ({@code data: {"reason":"subscriber token expired"}}) is written, in place of
 * whatever is still pending, and the stream is closed. The browser's reconnect then carries the same, now
 * expired, cookie (or none: the cookie's Max-Age ends with the token) and is refused with 401, so the page
 * shows "session expired" instead of reconnecting forever; access never outlives the token.
 */
final class SseConnection implements Subscriber {

    static final Buffer EXPIRED = Buffer.buffer("event: expired\ndata: {\"reason\":\"subscriber token expired\"}\n\n");

    private final HttpServerResponse response;
    private final Context context;
    private final Vertx vertx;
    private final NotifierConfig.Sse config;
    private final SseMetrics metrics;
    private final EventTracing tracing;
    private final Runnable onClose;
    private final Instant expiresAt;
    private final ArrayDeque<Frame> pending = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Frame> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxSize = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private long lastSequence;
    private long keepAliveTimer = -1;
    private long expiryTimer = -1;
    private volatile boolean closed;
    /** Its position was forgotten (see {@link #restart}): it is served from scratch, not waited for. */
    private volatile boolean restarted;
    /** The trace of the latest traced delivery (the notifier's apply span), continued by the next write. */
    private volatile io.opentelemetry.context.Context tracedDelivery;

    /** @param expiresAt the subscriber token's expiry, when the stream ends */
    SseConnection(HttpServerResponse response, Vertx vertx, NotifierConfig.Sse config, SseMetrics metrics,
                  EventTracing tracing, Instant expiresAt, Runnable onClose) {
        this.tracing = tracing;
        this.response = response;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.config = config;
        this.metrics = metrics;
        this.onClose = onClose;
        this.expiresAt = expiresAt;
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
        long untilExpiry = Duration.between(Instant.now(), expiresAt).toMillis();
        expiryTimer = vertx.setTimer(Math.max(1, untilExpiry), id -> expire());
        metrics.opened();
    }

    /**
     * The client already holds everything up to {@code lastEventId}: nothing at or before it is sent, so a
     * client that is ahead of this instance never gets an older state, only what comes after its own.
     */
    void resumeAfter(long lastEventId) {
        lastSequence = Math.max(lastSequence, lastEventId);
    }

    /**
     * Forgets the client's position and runs {@code resubscribe} on this connection's thread: for a Last-Event-ID
     * the source of truth has never reached (a reset database, a forged header), which no wait would meet.
     */
    void restart(Runnable resubscribe) {
        context.runOnContext(v -> {
            if (!closed) {
                lastSequence = 0;
                restarted = true;
                resubscribe.run();
            }
        });
    }

    /**
     * Ends the stream normally, with nothing more sent: the browser reconnects with the same Last-Event-ID
     * after the retry delay. For a client this instance could not catch up with in time.
     */
    void endForRetry() {
        if (closed || restarted) {
            return;
        }
        pending.clear();
        inbox.clear();
        response.end();
        closed();
    }

    /** The token has expired: say so, drop what is pending (it may no longer be read), and close. */
    private void expire() {
        if (closed) {
            return;
        }
        metrics.expired();
        pending.clear();
        inbox.clear();
        response.end(EXPIRED);
        closed();
    }

    /** Called by the read model (any thread); never blocks. */
    @Override
    public void deliver(List<Frame> frames) {
        if (closed) {
            return;
        }
        io.opentelemetry.context.Context traced = EventTracing.currentIfTraced();
        if (traced != null) {
            tracedDelivery = traced;
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
                traced(response.end(batch.appendBuffer(end)));
                closed();
                return;
            }
            traced(response.write(batch));
        }
    }

    /**
     * A span from the write to its completion, continuing the trace of the event being written (docs/operations.md,
     * "Tracing"). Frames that arrive together leave in one write: it continues the latest traced one.
     */
    private void traced(Future<Void> write) {
        io.opentelemetry.context.Context parent = tracedDelivery;
        if (parent != null) {
            tracedDelivery = null;
            TracedWork span = tracing.startIn(parent, "notifier sse write", SpanKind.INTERNAL);
            write.onComplete(done -> span.close());
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
        vertx.cancelTimer(expiryTimer);
        metrics.closed();
        onClose.run();
    }
}
