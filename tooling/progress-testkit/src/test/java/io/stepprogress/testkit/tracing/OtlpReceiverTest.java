package io.stepprogress.testkit.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The receiver reads what the OpenTelemetry SDK's own OTLP marshaller writes (the bytes an OTLP/HTTP exporter
 * sends): spans of two services, their ids, parent links, names, kinds, times and service names.
 */
class OtlpReceiverTest {

    private static final Instant T0 = Instant.parse("2026-11-30T00:00:00Z");

    @Test
    void spansOfTwoServicesComeBackWithTheirServiceParentNameKindAndTimes() throws Exception {
        InMemorySpanExporter progress = InMemorySpanExporter.create();
        InMemorySpanExporter notifier = InMemorySpanExporter.create();
        Span request;
        Span publish;
        Span apply;
        List<SpanData> exported = new ArrayList<>();
        try (SdkTracerProvider progressTracing = provider("progress-service", progress);
             SdkTracerProvider notifierTracing = provider("notifier-service", notifier)) {
            Tracer tracer = progressTracing.get("test");
            request = tracer.spanBuilder("POST /api/projects/{projectId}/steps/{step}/progress")
                    .setSpanKind(SpanKind.SERVER).setStartTimestamp(T0).startSpan();
            publish = tracer.spanBuilder("project-progress publish").setParent(Context.root().with(request))
                    .setSpanKind(SpanKind.PRODUCER).setStartTimestamp(T0.plusMillis(3)).startSpan();
            publish.end(T0.plusMillis(5));
            request.end(T0.plusMillis(4));
            apply = notifierTracing.get("test").spanBuilder("notifier apply").setParent(Context.root().with(publish))
                    .setSpanKind(SpanKind.CONSUMER).setStartTimestamp(T0.plusMillis(6))
                    .setAttribute("messaging.kafka.offset", 42L).startSpan();
            apply.end(T0.plusMillis(7));
            // Taken before the providers close: closing shuts the in-memory exporters down, which empties them.
            exported.addAll(progress.getFinishedSpanItems());
            exported.addAll(notifier.getFinishedSpanItems());
        }
        String traceId = request.getSpanContext().getTraceId();

        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            HttpResponse<Void> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(receiver.endpoint() + "/v1/traces")).header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(marshal(exported))).build(),
                    HttpResponse.BodyHandlers.discarding());

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(receiver.spans(traceId)).containsExactlyInAnyOrder(
                    new ExportedSpan("progress-service", traceId, request.getSpanContext().getSpanId(), "",
                            "POST /api/projects/{projectId}/steps/{step}/progress", ExportedSpan.SERVER, nanos(0), nanos(4)),
                    new ExportedSpan("progress-service", traceId, publish.getSpanContext().getSpanId(),
                            request.getSpanContext().getSpanId(), "project-progress publish", ExportedSpan.PRODUCER,
                            nanos(3), nanos(5)),
                    new ExportedSpan("notifier-service", traceId, apply.getSpanContext().getSpanId(),
                            publish.getSpanContext().getSpanId(), "notifier apply", ExportedSpan.CONSUMER, nanos(6),
                            nanos(7)));
            assertThat(receiver.received()).isEqualTo(3);
            assertThat(receiver.refused()).isZero();
            assertThat(TraceTable.format(receiver.spans(traceId))).contains("progress-service",
                    "  project-progress publish", "    notifier apply");
        }
    }

    @Test
    void aBodyThatIsNotProtobufIsRefusedAndKeepsNothing() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            HttpResponse<Void> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(receiver.endpoint() + "/v1/traces"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"resourceSpans\":[]}")).build(),
                    HttpResponse.BodyHandlers.discarding());

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(receiver.refused()).isEqualTo(1);
            assertThat(receiver.received()).isZero();
        }
    }

    private static SdkTracerProvider provider(String service, InMemorySpanExporter exporter) {
        return SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service,
                        AttributeKey.stringKey("host.name"), "test")))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    }

    private static byte[] marshal(List<SpanData> spans) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(spans).writeBinaryTo(body);
        return body.toByteArray();
    }

    private static long nanos(long millisAfterT0) {
        return TimeUnit.SECONDS.toNanos(T0.getEpochSecond()) + TimeUnit.MILLISECONDS.toNanos(millisAfterT0);
    }
}
