package io.stepprogress.progress.outbox;

import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.progress.support.MigrationUser;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The outbox is empty between transactions, so a vacuum truncates it to no pages, where a sequential scan is the
 * cheapest plan for the delete, and a connection keeps the plan it made then while deleted rows pile up until the
 * next vacuum. Every delete must still find its row through the primary key.
 */
@QuarkusTest
class OutboxDeletePlanTest {

    private static final int UPDATES = 12; // more than the driver's five executions before it prepares on the server
    /** One of the outbox's scan counters: every delete adds one to either. */
    private static final String SCANS = "SELECT coalesce(%s, 0) FROM pg_stat_user_tables WHERE relname = 'outbox_event'";

    @Test
    void afterAVacuumEmptiedTheOutboxEveryDeleteUsesThePrimaryKey() throws SQLException {
        String project = newProjectId("vacuumed");
        start(project, plan("clone")).statusCode(201);
        try (Connection admin = MigrationUser.connect(); Statement sql = admin.createStatement()) {
            // A vacuum skips the truncation while another session holds a lock on the table or an older snapshot
            // still sees its deleted rows: vacuum again until it has truncated the emptied outbox to no pages.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                sql.execute("VACUUM outbox_event");
                return single(sql, "SELECT relpages FROM pg_class WHERE relname = 'outbox_event'") == 0;
            });
            long seqBefore = single(sql, SCANS.formatted("seq_scan"));
            long indexBefore = single(sql, SCANS.formatted("idx_scan"));

            for (int i = 1; i <= UPDATES; i++) {
                progress(project, "clone", i).statusCode(200);
            }

            // Backends report their counters when idle, at most once a second: wait until every delete is counted.
            await().atMost(Duration.ofSeconds(30)).until(() -> single(sql, SCANS.formatted("seq_scan")) - seqBefore
                    + single(sql, SCANS.formatted("idx_scan")) - indexBefore >= UPDATES);
            assertThat(single(sql, SCANS.formatted("seq_scan")) - seqBefore)
                    .as("deletes that scanned the whole outbox").isZero();
        }
    }

    private static long single(Statement sql, String query) throws SQLException {
        try (ResultSet row = sql.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }
}
