package io.stepprogress.alert.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.stepprogress.alert.support.Ready;
import io.stepprogress.testkit.EventPublisher;
import io.stepprogress.testkit.Events;
import io.stepprogress.testkit.tracing.Traces;
import io.stepprogress.testkit.tracing.TracingOn;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** alert-consumer's part of an event's trace: the state update is a span continuing the record's traceparent. */
@QuarkusTest
@TestProfile(TracingOn.class)
class AlertTraceTest {

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theUpdateOfATracedRecordIsAChildSpanOfThePublisher() {
        Ready.waitUntilReady();
        String traceparent = Traces.newTraceparent();

        EventPublisher.publishTraced(Events.plan("alert-trace-" + UUID.randomUUID(), "a").initialized(), traceparent);

        SpanData update = Traces.awaitSpan(spans, Traces.traceId(traceparent), "alert update");
        assertThat(update.getParentSpanId()).isEqualTo(Traces.spanId(traceparent));
        assertThat(update.getKind()).isEqualTo(SpanKind.CONSUMER);
    }
}
