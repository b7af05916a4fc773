package io.stepprogress.progress.initialization;

import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every progress update rewrites its project's initialization row (sequence, message, updated_at). PostgreSQL can
 * do that as a HOT update (the new version on the same page, no index entry) only while no index covers a column the
 * update changes; V4's index on updated_at made every update a non-HOT one, about a tenth of PostgreSQL's CPU per
 * update (V7, docs/benchmarks.md).
 */
@QuarkusTest
class InitializationUpdatesStayHotTest {

    private static final int UPDATES = 40;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theOnlyIndexOnInitializationIsItsPrimaryKey() throws SQLException {
        assertThat(indexDefinitions()).singleElement().asString()
                .contains("initialization_pkey").endsWith("(project_id)");
    }

    @Test
    void progressUpdatesRewriteTheRowInPlace() throws SQLException {
        String project = newProjectId("hot");
        start(project, plan("a", "b")).statusCode(201);
        Updates before = updates();

        for (int i = 1; i <= UPDATES; i++) {
            progress(project, "a", i * 2).statusCode(200);
        }

        // Backends report their counters at most once a second, and an idle one within about ten.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> updates().all() - before.all() >= UPDATES);
        Updates after = updates();
        long all = after.all() - before.all();
        long hot = after.hot() - before.hot();
        // Not all: a page with no room left for the new version takes it elsewhere, which is rare, not the rule.
        assertThat(hot).as("HOT updates of %d", all).isGreaterThanOrEqualTo(all * 8 / 10);
    }

    private List<String> indexDefinitions() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'initialization'")) {
            List<String> definitions = new ArrayList<>();
            while (rows.next()) {
                definitions.add(rows.getString(1));
            }
            return definitions;
        }
    }

    /** Updates of the initialization table, all and HOT, as the statistics have them now. */
    private record Updates(long all, long hot) {
    }

    private Updates updates() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables "
                     + "WHERE schemaname = current_schema() AND relname = 'initialization'")) {
            assertThat(row.next()).isTrue();
            return new Updates(row.getLong(1), row.getLong(2));
        }
    }
}
