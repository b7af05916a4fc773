package io.stepprogress.event.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;

/**
 * A span around one piece of work ({@link EventTracing}): closing it ends the span (and leaves its scope, when it
 * was made current). {@link #NONE} stands for untraced work, so callers need no branch.
 */
public final class TracedWork implements AutoCloseable {

    /** Untraced work: every method does nothing, {@link #traceparent()} is null. */
    public static final TracedWork NONE = new TracedWork(Span.getInvalid(), null);

    private final Span span;
    private final String traceparent;
    private Scope scope;
    private boolean ended;

    TracedWork(Span span, String traceparent) {
        this.span = span;
        this.traceparent = traceparent;
    }

    /** The span's own W3C traceparent, for the next hop's header; null when untraced. */
    public String traceparent() {
        return traceparent;
    }

    public TracedWork attribute(String key, String value) {
        if (this != NONE && !ended && value != null) {
            span.setAttribute(key, value);
        }
        return this;
    }

    public TracedWork attribute(String key, long value) {
        if (this != NONE && !ended) {
            span.setAttribute(key, value);
        }
        return this;
    }

    /** Marks the span failed, with the exception as an event. */
    public void failed(Throwable error) {
        if (this != NONE && !ended) {
            span.recordException(error);
            span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
        }
    }

    TracedWork makeCurrent() {
        if (this != NONE) {
            scope = span.makeCurrent();
        }
        return this;
    }

    /** Ends the span; again, it does nothing. */
    @Override
    public void close() {
        if (this == NONE || ended) {
            return;
        }
        ended = true;
        if (scope != null) {
            scope.close();
            scope = null;
        }
        span.end();
    }
}
