package io.stepprogress.event.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.stepprogress.event.ProgressTopics;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One trace from a worker's request to every consumer of its event (docs/operations.md, "Tracing"):
 * progress-service stores the request's W3C {@code traceparent} with the outbox row ({@link #currentTraceparent}),
 * the relay publishes the event in a span continuing it ({@link #start}) and sends that span's own traceparent in
 * the record's {@link ProgressTopics#TRACEPARENT_HEADER} header, and each consumer continues from the header
 * ({@link #continueFrom}).
 * <p>
 * Traces are only continued, never started: without a trace context no span is made. With the SDK disabled
 * (the default) the propagators are no-ops, so nothing is written to the outbox or the headers, nothing is
 * extracted, and tracing costs a header lookup per record.
 */
public final class EventTracing {

    private static final TextMapGetter<String> TRACEPARENT_ONLY = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(ProgressTopics.TRACEPARENT_HEADER);
        }

        @Override
        public String get(String carrier, String key) {
            return ProgressTopics.TRACEPARENT_HEADER.equals(key) ? carrier : null;
        }
    };

    private final TextMapPropagator propagator;
    private final Tracer tracer;

    /** @param instrumentationName names the spans' origin (the service), shown as their scope */
    public EventTracing(OpenTelemetry openTelemetry, String instrumentationName) {
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.tracer = openTelemetry.getTracer(instrumentationName);
    }

    /** The current span's W3C traceparent; null when there is none or tracing is off. */
    public String currentTraceparent() {
        return traceparentOf(Context.current());
    }

    /**
     * Starts a span whose parent is {@code traceparent}; {@link TracedWork#NONE} when that is null or not a valid
     * trace context. The span is not made current: the relay keeps one per event of a batch.
     */
    public TracedWork start(String traceparent, String spanName, SpanKind kind) {
        if (traceparent == null) {
            return TracedWork.NONE;
        }
        return startIn(propagator.extract(Context.root(), traceparent, TRACEPARENT_ONLY), spanName, kind);
    }

    /**
     * Continues the trace of a Kafka record: a {@link SpanKind#CONSUMER} span, child of the record's traceparent
     * header, made current until the work is closed (on the same thread). {@link TracedWork#NONE} when the record
     * carries no trace context.
     */
    public TracedWork continueFrom(ConsumerRecord<?, ?> record, String spanName) {
        Header header = record.headers() == null ? null : record.headers().lastHeader(ProgressTopics.TRACEPARENT_HEADER);
        if (header == null || header.value() == null) {
            return TracedWork.NONE;
        }
        return start(new String(header.value(), StandardCharsets.UTF_8), spanName, SpanKind.CONSUMER)
                .attribute("messaging.system", "kafka")
                .attribute("messaging.operation.type", "process")
                .attribute("messaging.destination.name", record.topic())
                .attribute("messaging.destination.partition.id", Integer.toString(record.partition()))
                .attribute("messaging.kafka.offset", record.offset())
                .makeCurrent();
    }

    /** The current context when it holds a span, to continue on another thread ({@link #startIn}); else null. */
    public static Context currentIfTraced() {
        Context current = Context.current();
        return Span.fromContext(current).getSpanContext().isValid() ? current : null;
    }

    /** Starts a span under {@code parent}; {@link TracedWork#NONE} when it is null or holds no valid span. */
    public TracedWork startIn(Context parent, String spanName, SpanKind kind) {
        if (parent == null || !Span.fromContext(parent).getSpanContext().isValid()) {
            return TracedWork.NONE;
        }
        Span span = tracer.spanBuilder(spanName).setParent(parent).setSpanKind(kind).startSpan();
        return new TracedWork(span, traceparentOf(parent.with(span)));
    }

    private String traceparentOf(Context context) {
        Map<String, String> carrier = new HashMap<>(4);
        propagator.inject(context, carrier, (map, key, value) -> map.put(key, value));
        return carrier.get(ProgressTopics.TRACEPARENT_HEADER);
    }
}
