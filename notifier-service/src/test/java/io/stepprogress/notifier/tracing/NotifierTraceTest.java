package io.stepprogress.notifier.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.RestAssured;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.stepprogress.notifier.support.Subscribers;
import io.stepprogress.testkit.EventPublisher;
import io.stepprogress.testkit.Events;
import io.stepprogress.testkit.SseClient;
import io.stepprogress.testkit.tracing.Traces;
import io.stepprogress.testkit.tracing.TracingOn;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * notifier-service's part of an event's trace: applying the record is a span continuing its traceparent header,
 * and writing it to a browser's stream is that span's child.
 */
@QuarkusTest
@TestProfile(TracingOn.class)
class NotifierTraceTest {

    @TestHTTPResource("/")
    URL base;

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theApplyOfATracedRecordAndItsSseWriteContinueTheRecordsTrace() throws Exception {
        Events.Run run = Events.plan("notifier-trace-" + UUID.randomUUID().toString().substring(0, 8), "a");
        String traceparent = Traces.newTraceparent();
        // Started for this profile: streams open once the read model has caught up.
        await().atMost(Duration.ofSeconds(60)).until(() -> RestAssured.get(ready).statusCode() == 200);
        try (SseClient client = Subscribers.stream(URI.create(base + "api/projects/" + run.projectId() + "/events"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> client.status() == 200);

            EventPublisher.publishTraced(run.initialized(), traceparent);

            await().atMost(Duration.ofSeconds(30)).until(() -> !client.frames().isEmpty());
            SpanData apply = Traces.awaitSpan(spans, Traces.traceId(traceparent), "notifier apply");
            SpanData write = Traces.awaitSpan(spans, Traces.traceId(traceparent), "notifier sse write");
            assertThat(apply.getParentSpanId()).isEqualTo(Traces.spanId(traceparent));
            assertThat(apply.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(write.getParentSpanId()).as("the write continues the apply").isEqualTo(apply.getSpanId());
            assertThat(write.getStartEpochNanos()).isGreaterThanOrEqualTo(apply.getStartEpochNanos());
            System.out.printf("trace %s: %s %.2f ms; %s %.2f ms%n", apply.getTraceId(), apply.getName(),
                    (apply.getEndEpochNanos() - apply.getStartEpochNanos()) / 1e6, write.getName(),
                    (write.getEndEpochNanos() - write.getStartEpochNanos()) / 1e6);
        }
    }
}
