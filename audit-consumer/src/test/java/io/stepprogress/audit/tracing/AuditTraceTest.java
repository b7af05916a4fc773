package io.stepprogress.audit.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.stepprogress.audit.log.AuditLog;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.testkit.EventPublisher;
import io.stepprogress.testkit.Events;
import io.stepprogress.testkit.tracing.Traces;
import io.stepprogress.testkit.tracing.TracingOn;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** audit-consumer's part of an event's trace: the insert is a span continuing the record's traceparent header. */
@QuarkusTest
@TestProfile(TracingOn.class)
class AuditTraceTest {

    @Inject
    InMemorySpanExporter spans;

    @Inject
    AuditLog log;

    @Test
    void theInsertOfARecordWithATraceparentIsAChildSpanOfThePublisher() {
        StepProgressUpdated event = Events.plan("audit-trace-" + UUID.randomUUID(), "a").initialized();
        String traceparent = Traces.newTraceparent();

        EventPublisher.publishTraced(event, traceparent);

        SpanData insert = Traces.awaitSpan(spans, Traces.traceId(traceparent), "audit insert");
        assertThat(insert.getParentSpanId()).isEqualTo(Traces.spanId(traceparent));
        assertThat(insert.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(insert.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        assertThat(insert.getAttributes().asMap().toString())
                .contains("messaging.message.id=" + event.eventId(), "messaging.destination.name=project-progress");
        assertThat(log.find(event.eventId())).as("recorded by the time its span ended").isPresent();
    }

    @Test
    void aRecordWithoutTraceparentIsRecordedWithoutASpan() {
        StepProgressUpdated event = Events.plan("audit-untraced-" + UUID.randomUUID(), "a").initialized();
        StepProgressUpdated marker = Events.plan("audit-trace-" + UUID.randomUUID(), "a").initialized();
        String traceparent = Traces.newTraceparent();

        EventPublisher.publish(event);
        EventPublisher.publishTraced(marker, traceparent);
        Traces.awaitSpan(spans, Traces.traceId(traceparent), "audit insert");

        assertThat(log.find(event.eventId())).isPresent();
        assertThat(spans.getFinishedSpanItems()).noneMatch(s -> s.getName().equals("audit insert")
                && s.getAttributes().asMap().toString().contains(event.eventId().toString()));
    }
}
