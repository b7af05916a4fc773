package io.stepprogress.progress.relay;

import static io.stepprogress.progress.support.ProgressApi.management;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.progress.support.MigrationUser;
import io.stepprogress.progress.support.ProgressTopicTail;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A replication slot that disappears (dropped by an operator, or invalidated by PostgreSQL) would make every write
 * after it an event nobody relays. Writes are refused with a 503 problem and the relay's health is DOWN until the
 * slot exists again; then writes are accepted and relayed.
 */
@QuarkusTest
class ReplicationSlotLossTest {

    @Inject
    RelayConfig config;

    @Inject
    ReplicationSlot slot;

    private final ProgressTopicTail tail = ProgressTopicTail.shared();

    @Test
    void aDroppedSlotStopsWritesWith503AndHealthDownUntilItIsCreatedAgain() throws Exception {
        String project = newProjectId("slotloss");
        start(project, plan("a")).statusCode(201);
        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 1));

        try (Connection superuser = MigrationUser.connect(); Statement sql = superuser.createStatement()) {
            // Without REPLICATION neither the relay nor Debezium can create the slot again, so what the service
            // does without one can be observed for as long as this test needs.
            sql.execute("ALTER ROLE " + config.username() + " NOREPLICATION");
            try {
                dropSlot(superuser);
                // What the watcher would still believe in the second after a drop: the write must be refused
                // by its own statement, not only once the cached state has caught up.
                slot.set(new ReplicationSlot.State(ReplicationSlot.Status.VALID, "not refreshed yet"));
                assertRefused(project, 10);

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        management().get("/q/health/group/relay").then().statusCode(503)
                                .body("checks[0].data.slot", equalTo("MISSING"))
                                .body("checks[0].data.slotDetail", containsString(config.slotName())));
                assertRefused(project, 20);
                management().get("/q/health/ready").then().statusCode(200);
            } finally {
                sql.execute("ALTER ROLE " + config.username() + " REPLICATION");
            }
        }

        // Recovery: the watcher creates the slot again, the relay streams from it, writes are relayed.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                management().get("/q/health/group/relay").then().statusCode(200)
                        .body("checks[0].data.slot", equalTo("VALID")));
        progress(project, "a", 30).statusCode(200).body("sequence", equalTo(2));
        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 2));
        assertThat(tail.received(project)).extracting(r -> r.event().step() == null ? null : r.event().step().progress())
                .as("the refused writes were never committed, so never published").doesNotContain(10, 20);
    }

    private void assertRefused(String project, int value) {
        progress(project, "a", value).statusCode(503).contentType("application/problem+json")
                .header("Retry-After", "5")
                .body("status", equalTo(503))
                .body("detail", containsString("relay unavailable: replication slot " + config.slotName()));
    }

    private void dropSlot(Connection superuser) {
        // The relay's walsender holds the slot; a slot in use cannot be dropped. Terminated, it cannot come back.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (PreparedStatement terminate = superuser.prepareStatement("SELECT pg_terminate_backend(active_pid) "
                    + "FROM pg_replication_slots WHERE slot_name = ? AND active_pid IS NOT NULL");
                 PreparedStatement drop = superuser.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                terminate.setString(1, config.slotName());
                terminate.execute();
                drop.setString(1, config.slotName());
                drop.execute();
            }
            try (PreparedStatement select = superuser.prepareStatement(
                    "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?")) {
                select.setString(1, config.slotName());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1) == 0;
                }
            }
        });
    }
}
