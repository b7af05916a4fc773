package io.stepprogress.notifier.sse;

import io.opentelemetry.api.trace.SpanKind;
import io.stepprogress.event.trace.EventTracing;
import io.stepprogress.event.trace.TracedWork;
import io.stepprogress.notifier.NotifierConfig;
import io.stepprogress.notifier.readmodel.ConflatingQueue;
import io.stepprogress.notifier.readmodel.StreamEvent;
import io.stepprogress.notifier.readmodel.Subscriber;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One browser's stream. Events arrive from the read model (the Kafka thread, or whoever subscribes) into a
 * bounded queue; at the end of each batch one drain task on the connection's own event loop writes everything
 * waiting in one write, in order; an event whose sequence is not above the last one written is never written.
 * <p>
 * A client that does not keep up fills its socket's write queue, and events wait. Once more than
 * {@code notifier.sse.max-pending-frames} wait, it is behind: each newer progress event replaces the waiting ones
 * it supersedes (never one that changed a status), counted in {@code notifier.sse.events.merged}; events the
 * notifier itself received late are merged the same way. The client gets the latest view sooner and every status
 * change, with increasing ids. Four times as many waiting events (status changes only), or a socket that took
 * nothing for {@code notifier.sse.stall-timeout}, and the connection is closed, so it never slows anyone else and
 * memory stays bounded; the client reconnects with Last-Event-ID and resumes.
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
    /** Guarded by itself: filled by the read model's threads, emptied on the event loop. */
    private final ConflatingQueue waiting = new ConflatingQueue();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final int behindAfter;
    private final int closeAfter;
    private long lastSequence;
    private long keepAliveTimer = -1;
    private long expiryTimer = -1;
    private long stallTimer = -1;
    /** The socket's write queue was full when events were left waiting: the client is not keeping up. */
    private volatile boolean socketFull;
    private volatile boolean overflow;
    private volatile boolean closed;
    /** Its position was forgotten (see {@link #restart}): it is served from scratch, not waited for. */
    private volatile boolean restarted;
    /**
     * Guarded by {@link #waiting}: the trace of the newest traced event waiting (the notifier's apply span), taken
     * with the events by the write that carries them.
     */
    private io.opentelemetry.context.Context tracedDelivery;

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
        this.behindAfter = config.maxPendingFrames();
        this.closeAfter = 4 * config.maxPendingFrames();
    }

    /** Sends the headers and the reconnect delay at once, so the browser's EventSource opens immediately. */
    void open() {
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache, no-transform")
                .putHeader("X-Accel-Buffering", "no")
                .setWriteQueueMaxSize(config.writeQueueBytes());
        response.closeHandler(v -> closed());
        response.drainHandler(v -> drain());
        response.write(Buffer.buffer("retry: " + config.retry().toMillis() + "\n: connected\n\n"));
        keepAliveTimer = vertx.setPeriodic(config.keepAlive().toMillis(), id -> {
            if (!closed && !response.writeQueueFull()) {
                response.write(SseEncoding.comment("keep-alive"));
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
        clearWaiting();
        response.end();
        closed();
    }

    /** The token has expired: say so, drop what is pending (it may no longer be read), and close. */
    private void expire() {
        if (closed) {
            return;
        }
        metrics.expired();
        clearWaiting();
        response.end(EXPIRED);
        closed();
    }

    /** Called by the read model (any thread, a project's lock held); never blocks. */
    @Override
    public void deliver(StreamEvent event, boolean late) {
        if (closed) {
            return;
        }
        io.opentelemetry.context.Context traced = EventTracing.currentIfTraced();
        int size;
        synchronized (waiting) {
            if (traced != null) {
                tracedDelivery = traced;
            }
            boolean behind = socketFull && waiting.size() >= behindAfter;
            int merged = waiting.add(event, late || behind);
            if (merged > 0) {
                metrics.merged(merged);
            }
            size = waiting.size();
        }
        if (size > closeAfter) {
            overflow = true;
        }
    }

    /** The batch is complete: one drain on the event loop writes what it brought. */
    @Override
    public void flush() {
        if (!closed && drainScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    private void drain() {
        drainScheduled.set(false);
        if (closed) {
            return;
        }
        if (overflow) {
            dropSlowClient();
            return;
        }
        while (!response.writeQueueFull()) {
            // Everything waiting goes out in one write (one syscall), up to the end of the run.
            List<StreamEvent> taken = new ArrayList<>();
            io.opentelemetry.context.Context traced;
            synchronized (waiting) { // held briefly: the read model's thread waits for it in deliver
                traced = tracedDelivery;
                tracedDelivery = null;
                StreamEvent event;
                while ((event = waiting.poll()) != null) {
                    taken.add(event);
                }
            }
            Buffer batch = Buffer.buffer();
            Instant now = Instant.now();
            boolean ended = false;
            for (int i = 0; i < taken.size() && !ended; i++) {
                StreamEvent event = taken.get(i);
                if (newToClient(event)) {
                    SseEncoding.append(event, batch);
                    metrics.delivered(event.occurredAt(), now);
                    ended = event.endsProjectStream();
                }
            }
            if (ended) {
                // The run is over: say so, and close, so the browser stops reconnecting.
                traced(traced, response.end(batch));
                closed();
                return;
            }
            if (batch.length() == 0) {
                break;
            }
            traced(traced, response.write(batch));
        }
        synchronized (waiting) {
            socketFull = response.writeQueueFull() && !waiting.isEmpty();
        }
        if (socketFull) {
            if (stallTimer < 0) {
                stallTimer = vertx.setTimer(config.stallTimeout().toMillis(), id -> {
                    stallTimer = -1;
                    if (!closed && response.writeQueueFull()) {
                        dropSlowClient();
                    }
                });
            }
        } else if (stallTimer >= 0) {
            vertx.cancelTimer(stallTimer);
            stallTimer = -1;
        }
    }

    /** Events with an id are written only above the last id written; the others always. */
    private boolean newToClient(StreamEvent event) {
        boolean hasId = event.kind() == StreamEvent.Kind.SNAPSHOT || event.kind() == StreamEvent.Kind.PROGRESS;
        if (!hasId || event.sequence() <= 0) {
            return true;
        }
        if (event.sequence() <= lastSequence) {
            return false;
        }
        lastSequence = event.sequence();
        return true;
    }

    private void dropSlowClient() {
        metrics.droppedSlowClient();
        clearWaiting();
        response.close();
        closed();
    }

    /**
     * A span from the write to its completion, continuing the trace of the newest traced event the write carries
     * (docs/operations.md, "Tracing"): events that wait together leave in one write.
     */
    private void traced(io.opentelemetry.context.Context parent, Future<Void> write) {
        if (parent != null) {
            TracedWork span = tracing.startIn(parent, "notifier sse write", SpanKind.INTERNAL);
            write.onComplete(done -> span.close());
        }
    }

    private void clearWaiting() {
        synchronized (waiting) {
            waiting.clear();
            tracedDelivery = null;
        }
    }

    private void closed() {
        if (closed) {
            return;
        }
        closed = true;
        clearWaiting();
        vertx.cancelTimer(keepAliveTimer);
        vertx.cancelTimer(expiryTimer);
        if (stallTimer >= 0) {
            vertx.cancelTimer(stallTimer);
        }
        metrics.closed();
        onClose.run();
    }
}
