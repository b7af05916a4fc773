package io.stepprogress.progress.relay;

import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.event.ChangeKind;
import io.stepprogress.event.ProgressTopics;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.event.StepStatus;
import io.stepprogress.progress.initialization.InitializationService;
import io.stepprogress.progress.support.MigrationUser;
import io.stepprogress.progress.support.ProgressTopicTail;
import io.stepprogress.progress.support.ProgressTopicTail.Received;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OutboxRelayTest {

    @Inject
    InitializationService service;

    @Inject
    AgroalDataSource dataSource;

    private final ProgressTopicTail tail = ProgressTopicTail.shared();

    @Test
    void anUpdateBecomesExactlyOneKafkaRecordKeyedByProject() {
        String project = newProjectId("relay");
        start(project, plan("clone", "deploy")).statusCode(201);
        progress(project, "clone", 42).statusCode(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 2));
        List<Received> received = tail.received(project);
        assertThat(received).hasSize(2);
        Received update = received.get(1);
        assertThat(update.key()).isEqualTo(project);
        StepProgressUpdated event = update.event();
        assertThat(update.headers()).containsEntry(ProgressTopics.EVENT_ID_HEADER, event.eventId().toString())
                .containsEntry(ProgressTopics.EVENT_TYPE_HEADER, StepProgressUpdated.TYPE)
                .doesNotContainKeys("__debezium.context.connectorLogicalName");
        assertThat(update.headers().keySet()).noneMatch(k -> k.startsWith("__debezium"));
        assertThat(event.type()).isEqualTo("StepProgressUpdated");
        assertThat(event.projectId()).isEqualTo(project);
        assertThat(event.sequence()).isEqualTo(2);
        assertThat(event.change()).isEqualTo(ChangeKind.PROGRESSED);
        assertThat(event.step().name()).isEqualTo("clone");
        assertThat(event.step().progress()).isEqualTo(42);
        assertThat(event.step().status()).isEqualTo(StepStatus.RUNNING);
        assertThat(event.initialization().sequence()).isEqualTo(2);
        assertThat(event.initialization().progress()).isEqualTo(21.0);
        assertThat(event.occurredAt()).isEqualTo(event.initialization().updatedAt());
        // The payload is the JSON object itself, not a JSON string holding it.
        assertThat(update.rawValue()).startsWith("{").contains("\"initialization\"");
    }

    @Test
    void aTransactionThatFailsAfterTheOutboxInsertPublishesNothing() {
        String project = newProjectId("rollback");
        start(project, plan("a", "b")).statusCode(201);

        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            service.reportProgress(project, "a", 30, "never committed");
            throw new IllegalStateException("failure after the outbox insert");
        })).hasMessageContaining("failure after the outbox insert");

        progress(project, "b", 10).statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 2));
        assertThat(tail.received(project)).extracting(r -> r.event().step() == null ? null : r.event().step().name())
                .containsExactly(null, "b");
    }

    @Test
    void theOutboxTableNeverKeepsRows() throws Exception {
        String project = newProjectId("empty");
        start(project, plan("a")).statusCode(201);
        for (int p = 1; p <= 20; p++) {
            progress(project, "a", p).statusCode(200);
        }

        assertThat(count("SELECT count(*) FROM outbox_event")).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 21));
    }

    @Test
    void heartbeatsMoveTheSlotForwardOnAQuietDatabase() throws Exception {
        long target;
        try (Connection connection = MigrationUser.connect(); Statement sql = connection.createStatement()) {
            // WAL the relay has no interest in: without heartbeats, the slot would retain it.
            sql.execute("CREATE TABLE IF NOT EXISTS wal_noise (id serial PRIMARY KEY, filler text)");
            sql.execute("INSERT INTO wal_noise (filler) SELECT repeat('x', 200) FROM generate_series(1, 2000)");
            try (ResultSet row = sql.executeQuery("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")) {
                row.next();
                target = row.getLong(1);
            }
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint "
                + "FROM pg_replication_slots WHERE slot_name = 'progress_outbox'") >= target);
    }

    private long count(String query) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement();
             ResultSet row = sql.executeQuery(query)) {
            return row.next() ? row.getLong(1) : -1;
        }
    }
}
