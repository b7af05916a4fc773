package io.stepprogress.progress.security;

import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.progress.relay.RelayConfig;
import io.stepprogress.progress.relay.SlotLagProbe;
import io.stepprogress.progress.support.ProgressTopicTail;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The write path, the relay and the migrations log in as three users: a leak of the write path's login can
 * neither change the schema nor read the WAL (REPLICATION), and the relay's cannot write step state.
 */
@QuarkusTest
class DatabaseUsersTest {

    /** insufficient_privilege: "permission denied", "must be owner of table". */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    RelayConfig relayConfig;

    @Inject
    SlotLagProbe lagProbe;

    @ConfigProperty(name = "quarkus.flyway.username")
    String migrationUser;

    @Test
    void theWritePathLogsInWithoutReplicationAndIsNotTheSchemaOwner() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement();
             ResultSet row = sql.executeQuery("SELECT current_user, rolreplication, rolsuper FROM pg_roles "
                     + "WHERE rolname = current_user")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).isNotEqualTo(migrationUser).isNotEqualTo(relayConfig.username());
            assertThat(row.getBoolean("rolreplication")).as("REPLICATION").isFalse();
            assertThat(row.getBoolean("rolsuper")).as("superuser").isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE TABLE x (i int)",
            "DROP TABLE outbox_event",
            "ALTER TABLE initialization ADD COLUMN x int",
            "TRUNCATE initialization_step",
            "ALTER PUBLICATION progress_outbox ADD TABLE initialization",
            "SELECT count(*) FROM relay_offset",
            "INSERT INTO relay_heartbeat (id, beat_at) VALUES (2, now())"})
    void theWritePathIsRefusedDdlAndTheRelaysTables(String statement) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            assertThatThrownBy(() -> sql.execute(statement)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as(e.getMessage())
                            .isEqualTo(INSUFFICIENT_PRIVILEGE));
        }
    }

    @Test
    void theRelayStreamsAsItsOwnUserWithReplication() throws Exception {
        String project = newProjectId("users");
        start(project, plan("a")).statusCode(201);
        await().atMost(Duration.ofSeconds(30)).until(() -> ProgressTopicTail.shared().hasSequence(project, 1));

        // Awaited: another test class may have just restarted the relay, leaving the slot briefly inactive.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement select = connection.prepareStatement("SELECT a.usename, r.rolreplication, "
                         + "current_user FROM pg_replication_slots s JOIN pg_stat_activity a ON a.pid = s.active_pid "
                         + "JOIN pg_roles r ON r.rolname = a.usename WHERE s.slot_name = ?")) {
                select.setString(1, relayConfig.slotName());
                try (ResultSet row = select.executeQuery()) {
                    assertThat(row.next()).as("the relay's slot is being streamed").isTrue();
                    assertThat(row.getString(1)).as("the walsender's user").isEqualTo(relayConfig.username())
                            .isNotEqualTo(row.getString(3));
                    assertThat(row.getBoolean(2)).as("the streaming user has REPLICATION").isTrue();
                }
            }
        });
    }

    @Test
    void theSlotBacklogIsStillMeasuredAsTheWritePath() {
        // The probe runs on the write path's pool; a failure there is only logged at debug and reads as -1.
        await().atMost(Duration.ofSeconds(30)).until(() -> lagProbe.pendingBytes() >= 0);
    }
}
