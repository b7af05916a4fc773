package io.stepprogress.progress.eta;

import static io.stepprogress.progress.support.ProgressApi.asWorker;
import static io.stepprogress.progress.support.ProgressApi.complete;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.nullValue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.event.Eta;
import io.stepprogress.event.EventJson;
import io.stepprogress.progress.support.ProgressTopicTail;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EtaApiTest {

    private final ProgressTopicTail tail = ProgressTopicTail.shared();

    @Inject
    AgroalDataSource dataSource;

    /** Step names no other test uses, so their history is this test's alone. */
    private static String freshStep(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void seedHistory(String step, double... secondsRecentFirst) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO step_duration_history (step_name, seconds, learned_at) VALUES (?, ?, now())")) {
            insert.setString(1, step);
            insert.setArray(2, connection.createArrayOf("float8",
                    java.util.Arrays.stream(secondsRecentFirst).boxed().toArray()));
            insert.executeUpdate();
        }
    }

    @Test
    void aRunWhoseStepsNeverFinishedBeforeHasANullEta() {
        String project = newProjectId("eta-none");

        start(project, plan(freshStep("a"), freshStep("b"))).statusCode(201)
                .body("$", hasKey("eta")).body("eta", nullValue());
        asWorker().get("/api/projects/{p}/progress", project).then().statusCode(200)
                .body("$", hasKey("eta")).body("eta", nullValue());
    }

    @Test
    void aRunWithHistoryHasAnEtaForItsRemainingWorkInTheResponseTheReadAndTheEvent() throws SQLException {
        String a = freshStep("a");
        String b = freshStep("b");
        seedHistory(a, 10, 30, 20);
        seedHistory(b, 60, 60, 90);
        String project = newProjectId("eta-known");

        // Past runs' totals, most recent first: 70, 90, 110; weighted by recency (decay 0.9), the median is 88.
        start(project, plan(a, b)).statusCode(201)
                .body("eta.p50", equalTo(88.0f)).body("eta.p90", equalTo(110.0f)).body("eta.basis", equalTo(3));
        // Half of a left: 5 + 60, 15 + 60, 10 + 90, weighted: 74.
        progress(project, a, 50).statusCode(200)
                .body("eta.p50", equalTo(74.0f)).body("eta.p90", equalTo(100.0f)).body("eta.basis", equalTo(3));
        asWorker().get("/api/projects/{p}/progress", project).then().statusCode(200)
                .body("eta.p50", equalTo(74.0f));

        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 2));
        ProgressTopicTail.Received event = tail.received(project).get(1);
        // As PostgreSQL's jsonb writes it (the outbox column), which is what Kafka carries.
        assertThat(event.rawValue()).contains("\"eta\": {\"p50\": 74.0, \"p90\": 100.0, \"basis\": 3}");
        assertThat(event.event().initialization().eta()).isEqualTo(new Eta(74.0, 100.0, 3));
    }

    @Test
    void aCompletedRunTeachesTheNextRunOfItsStepsAndHasNoEtaItself() {
        String a = freshStep("a");
        String b = freshStep("b");
        String first = newProjectId("eta-first");
        start(first, plan(a, b)).statusCode(201).body("eta", nullValue());
        progress(first, a, 50).statusCode(200);
        complete(first, a).statusCode(200).body("eta", nullValue());
        complete(first, b).statusCode(200).body("status", equalTo("completed")).body("eta", nullValue());

        String second = newProjectId("eta-second");
        start(second, plan(a, b)).statusCode(201).body("eta.basis", equalTo(1));
        complete(second, a).statusCode(200).body("eta.basis", equalTo(1));
        complete(second, b).statusCode(200).body("eta", nullValue());

        start(newProjectId("eta-third"), plan(a, b)).statusCode(201).body("eta.basis", equalTo(2));
        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(second, 3));
        assertThat(tail.received(second).get(0).event().initialization().eta().basis()).isEqualTo(1);
        assertThat(tail.received(second).get(2).event().initialization().eta()).isNull();
    }

    @Test
    void theStatisticsKeepOnlyTheLastRunsOfTheWindow() throws SQLException {
        String a = freshStep("a");
        seedHistory(a, java.util.stream.IntStream.rangeClosed(1, 50).asDoubleStream().toArray()); // 1 s the latest
        String project = newProjectId("eta-window");
        start(project, plan(a)).statusCode(201).body("eta.basis", equalTo(50));
        complete(project, a).statusCode(200);

        start(newProjectId("eta-window"), plan(a)).statusCode(201).body("eta.basis", equalTo(50));
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT cardinality(seconds), seconds[1] > 0, seconds[50] FROM step_duration_history "
                             + "WHERE step_name = ?")) {
            select.setString(1, a);
            try (java.sql.ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getInt(1)).as("runs kept").isEqualTo(50);
                assertThat(row.getBoolean(2)).as("the run just completed comes first").isTrue();
                assertThat(row.getDouble(3)).as("the oldest seeded run (50 s) is gone").isEqualTo(49.0);
            }
        }
    }

    @Test
    void aViewWithAnEtaReadsBackThroughTheSharedContract() throws SQLException {
        String a = freshStep("a");
        seedHistory(a, 12.5);
        String project = newProjectId("eta-json");
        String body = start(project, plan(a)).statusCode(201).extract().asString();

        String event = "{\"eventId\":\"00000000-0000-0000-0000-000000000000\",\"projectId\":\"x\",\"sequence\":1,"
                + "\"occurredAt\":\"2026-01-01T00:00:00Z\",\"initialization\":" + body + "}";
        assertThat(EventJson.read(event.getBytes(java.nio.charset.StandardCharsets.UTF_8)).initialization().eta())
                .isEqualTo(new Eta(12.5, 12.5, 1));
    }
}
