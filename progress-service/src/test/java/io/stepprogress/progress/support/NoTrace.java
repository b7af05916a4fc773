package io.stepprogress.progress.support;

import static io.stepprogress.progress.support.ProgressApi.asWorker;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import javax.sql.DataSource;

/**
 * Proof that a refused request left no trace: the project's rows are unchanged, and no event was emitted,
 * shown with a marker: a valid update sent afterwards must be the project's very next event.
 */
public final class NoTrace {

    private NoTrace() {
    }

    /** The project's row and steps as one string; "none" when the project does not exist. */
    public static String rows(DataSource dataSource, String project) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT i.status, i.sequence, "
                     + "(SELECT string_agg(s.name || ':' || s.status || ':' || s.progress || ':' "
                     + "|| coalesce(s.message, ''), ',' ORDER BY s.position) FROM initialization_step s "
                     + "WHERE s.project_id = i.project_id) FROM initialization i WHERE i.project_id = ?")) {
            select.setString(1, project);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getString(1) + "/" + row.getLong(2) + "/" + row.getString(3) : "none";
            }
        }
    }

    /** Sends a valid update of step b; it must arrive as the event right after the last legitimate one. */
    public static void assertNextEventIsTheMarker(String project, long expectedSequence) {
        ProgressTopicTail tail = ProgressTopicTail.shared();
        asWorker().contentType("application/json").body(Map.of("progress", 99, "message", "marker"))
                .post("/api/projects/{p}/steps/b/progress", project).then().statusCode(200)
                .body("sequence", equalTo((int) expectedSequence));
        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, expectedSequence));
        List<Long> sequences = tail.sequences(project);
        assertThat(sequences).containsExactly(LongStream.rangeClosed(1, expectedSequence).boxed()
                .toArray(Long[]::new));
        assertThat(tail.received(project).get((int) expectedSequence - 1).event().step().message())
                .isEqualTo("marker");
    }

    /** For a project that must not exist yet: starting it now gives its first event, sequence 1. */
    public static void assertNeverStarted(DataSource dataSource, String project) throws SQLException {
        ProgressTopicTail tail = ProgressTopicTail.shared();
        assertThat(rows(dataSource, project)).isEqualTo("none");
        start(project, plan("a")).statusCode(201).body("sequence", equalTo(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 1));
        assertThat(tail.sequences(project)).containsExactly(1L);
    }
}
