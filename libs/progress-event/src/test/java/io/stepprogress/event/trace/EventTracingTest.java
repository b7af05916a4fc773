package io.stepprogress.event.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.stepprogress.event.ProgressTopics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventTracingTest {

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private final EventTracing tracing = new EventTracing(sdk, "test");

    @AfterEach
    void close() {
        sdk.close();
    }

    @Test
    void theRequestsTraceparentIsStoredAndThePublishSpanContinuesItAcrossTheRecordHeader() {
        Span request = sdk.getTracer("test").spanBuilder("request").setSpanKind(SpanKind.SERVER).startSpan();
        String stored;
        try (Scope ignored = request.makeCurrent()) {
            stored = tracing.currentTraceparent();
        } finally {
            request.end();
        }
        assertThat(stored).isEqualTo("00-" + request.getSpanContext().getTraceId() + "-"
                + request.getSpanContext().getSpanId() + "-01");

        String header;
        try (TracedWork publish = tracing.start(stored, "publish", SpanKind.PRODUCER)) {
            header = publish.traceparent();
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(ProgressTopics.TRACEPARENT_HEADER, header.getBytes(StandardCharsets.UTF_8));
        try (TracedWork consume = tracing.continueFrom(record(headers), "consume")) {
            assertThat(Span.current().getSpanContext().getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
        }

        SpanData publish = span("publish");
        SpanData consume = span("consume");
        assertThat(publish.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
        assertThat(publish.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(header).contains(publish.getSpanId());
        assertThat(consume.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
        assertThat(consume.getParentSpanId()).isEqualTo(publish.getSpanId());
        assertThat(consume.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(consume.getAttributes().asMap().toString()).contains("messaging.destination.name=project-progress",
                "messaging.kafka.offset=7");
        assertThat(Span.current().getSpanContext().isValid()).as("the consumer's scope was left").isFalse();
    }

    @Test
    void aRecordWithoutTraceContextOrWithAMalformedOneStartsNoSpan() {
        RecordHeaders malformed = new RecordHeaders();
        malformed.add(ProgressTopics.TRACEPARENT_HEADER, "00-not-a-trace".getBytes(StandardCharsets.UTF_8));

        assertThat(tracing.continueFrom(record(new RecordHeaders()), "consume")).isSameAs(TracedWork.NONE);
        assertThat(tracing.continueFrom(record(malformed), "consume")).isSameAs(TracedWork.NONE);
        assertThat(tracing.start(null, "publish", SpanKind.PRODUCER)).isSameAs(TracedWork.NONE);
        assertThat(tracing.currentTraceparent()).as("no current span").isNull();
        assertThat(exported.getFinishedSpanItems()).isEmpty();
    }

    @Test
    void withTracingOffNothingIsStoredAndNothingContinued() {
        // The SDK disabled has no-op propagators, as OpenTelemetry.noop() has.
        EventTracing off = new EventTracing(OpenTelemetry.noop(), "test");
        Span request = sdk.getTracer("test").spanBuilder("request").startSpan();
        try (Scope ignored = request.makeCurrent()) {
            assertThat(off.currentTraceparent()).isNull();
        } finally {
            request.end();
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(ProgressTopics.TRACEPARENT_HEADER, ("00-" + request.getSpanContext().getTraceId() + "-"
                + request.getSpanContext().getSpanId() + "-01").getBytes(StandardCharsets.UTF_8));
        assertThat(off.continueFrom(record(headers), "consume")).isSameAs(TracedWork.NONE);
    }

    private static ConsumerRecord<String, byte[]> record(RecordHeaders headers) {
        return new ConsumerRecord<>(ProgressTopics.PROJECT_PROGRESS, 1, 7L, 0L, TimestampType.CREATE_TIME, 0, 0, "p",
                new byte[0], headers, Optional.empty());
    }

    private SpanData span(String name) {
        return exported.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
    }
}
