package io.stepprogress.progress.tracing;

import static io.stepprogress.progress.support.ProgressApi.asWorker;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.event.ProgressTopics;
import io.stepprogress.progress.support.ProgressTopicTail;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The default configuration: tracing off. Nothing is recorded, exported or sent along, even to a traced worker. */
@QuarkusTest
class TracingOffTest {

    @Inject
    InMemorySpanExporter spans;

    private final ProgressTopicTail tail = ProgressTopicTail.shared();

    @Test
    void withTracingOffAnEventCarriesNoTraceparentAndNoSpanIsExported() {
        String project = newProjectId("untraced");
        start(project, plan("a")).statusCode(201);
        asWorker().header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .contentType("application/json").body(Map.of("progress", 40))
                .post("/api/projects/{p}/steps/a/progress", project).then().statusCode(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 2));
        assertThat(tail.received(project)).allSatisfy(record ->
                assertThat(record.headers()).doesNotContainKey(ProgressTopics.TRACEPARENT_HEADER));
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }
}
