package io.stepprogress.progress.tracing;

import static io.stepprogress.progress.support.ProgressApi.asWorker;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.stepprogress.event.ProgressTopics;
import io.stepprogress.progress.support.ProgressTopicTail;
import io.stepprogress.testkit.tracing.TracingOn;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * progress-service's part of one trace: a worker's request (continuing the worker's own trace when it sends a
 * traceparent) stores its span's context with the outbox row; the relay publishes the event in a span that is
 * the request span's child, and the Kafka record carries that publish span's traceparent for the consumers.
 */
@QuarkusTest
@TestProfile(TracingOn.class)
class WorkerToKafkaTraceTest {

    @Inject
    InMemorySpanExporter spans;

    private final ProgressTopicTail tail = ProgressTopicTail.shared();

    @Test
    void anUpdateIsOneTraceFromTheWorkersCallThroughTheRelaysPublishToTheRecordHeader() {
        String project = newProjectId("trace");
        start(project, plan("a")).statusCode(201);
        String workerTrace = randomHex(16);
        String workerSpan = randomHex(8);

        asWorker().header("traceparent", "00-" + workerTrace + "-" + workerSpan + "-01").contentType("application/json")
                .body(Map.of("progress", 40)).post("/api/projects/{p}/steps/a/progress", project)
                .then().statusCode(200);

        SpanData publish = await().atMost(Duration.ofSeconds(30)).until(() -> span(workerTrace, SpanKind.PRODUCER),
                Optional::isPresent).orElseThrow();
        SpanData request = span(workerTrace, SpanKind.SERVER).orElseThrow();
        assertThat(request.getParentSpanId()).as("the request continues the worker's trace").isEqualTo(workerSpan);
        assertThat(request.getName()).isEqualTo("POST /api/projects/{projectId}/steps/{step}/progress");
        assertThat(publish.getParentSpanId()).as("the relay's publish is the request's child, through the outbox row")
                .isEqualTo(request.getSpanId());
        assertThat(publish.getName()).isEqualTo(ProgressTopics.PROJECT_PROGRESS + " publish");
        assertThat(publish.getAttributes().asMap().toString()).contains("messaging.destination.name=project-progress")
                .as("it ends with Kafka's acknowledgement, which says where the record landed")
                .contains("messaging.kafka.offset=");
        assertThat(publish.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        assertThat(publish.getEndEpochNanos()).isGreaterThanOrEqualTo(publish.getStartEpochNanos());

        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 2));
        ProgressTopicTail.Received record = tail.received(project).get(1);
        assertThat(record.headers()).containsEntry(ProgressTopics.TRACEPARENT_HEADER,
                "00-" + workerTrace + "-" + publish.getSpanId() + "-01");
        assertThat(record.event().sequence()).isEqualTo(2);
        System.out.printf("trace %s: %s %.2f ms; %s %.2f ms%n", workerTrace, request.getName(),
                (request.getEndEpochNanos() - request.getStartEpochNanos()) / 1e6, publish.getName(),
                (publish.getEndEpochNanos() - publish.getStartEpochNanos()) / 1e6);
    }

    @Test
    void aRequestWithoutATraceparentStartsTheTraceItsEventCarries() {
        String project = newProjectId("trace");
        start(project, plan("a")).statusCode(201);

        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 1));
        String traceparent = tail.received(project).get(0).headers().get(ProgressTopics.TRACEPARENT_HEADER);
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        String trace = traceparent.split("-")[1];
        SpanData publish = await().atMost(Duration.ofSeconds(30)).until(() -> span(trace, SpanKind.PRODUCER),
                Optional::isPresent).orElseThrow();
        SpanData request = span(trace, SpanKind.SERVER).orElseThrow();
        assertThat(request.getParentSpanContext().isValid()).as("the request is the trace's root").isFalse();
        assertThat(publish.getParentSpanId()).isEqualTo(request.getSpanId());
        assertThat(traceparent.split("-")[2]).isEqualTo(publish.getSpanId());
    }

    private Optional<SpanData> span(String traceId, SpanKind kind) {
        List<SpanData> finished = spans.getFinishedSpanItems();
        return finished.stream().filter(s -> s.getTraceId().equals(traceId) && s.getKind() == kind).findFirst();
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1; // never all zeros (an invalid id)
        return HexFormat.of().formatHex(random);
    }
}
