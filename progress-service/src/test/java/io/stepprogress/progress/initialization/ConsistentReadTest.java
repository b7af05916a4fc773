package io.stepprogress.progress.initialization;

import static io.stepprogress.progress.support.ProgressApi.asWorker;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.stepprogress.progress.support.LockWaits;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code GET .../progress} shows one committed state, never a run's header from one update and steps from another. */
@QuarkusTest
class ConsistentReadTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aReadThatOverlapsAnUpdateSeesTheStateBeforeOrAfterItNeverAMix() throws Exception {
        String project = newProjectId("snapshot");
        start(project, plan("a", "b")).statusCode(201);
        progress(project, "a", 10).statusCode(200);
        long before = asWorker().get("/api/projects/{p}/progress", project).then().statusCode(200)
                .extract().jsonPath().getLong("sequence");

        CompletableFuture<JsonPath> read;
        try (Connection writer = dataSource.getConnection()) {
            writer.setAutoCommit(false);
            try (Statement lock = writer.createStatement()) {
                // Holds the steps table, so a read that has not read its steps yet waits here: between the two
                // halves of a read made of two statements, an update then commits.
                lock.execute("LOCK TABLE initialization_step IN ACCESS EXCLUSIVE MODE");
            }
            read = CompletableFuture.supplyAsync(() -> asWorker().get("/api/projects/{p}/progress", project)
                    .then().statusCode(200).extract().jsonPath());
            await().atMost(Duration.ofSeconds(20)).until(() -> LockWaits.aSessionWaitsForALock(dataSource));
            try (PreparedStatement header = writer.prepareStatement(
                         "UPDATE initialization SET sequence = sequence + 1 WHERE project_id = ?");
                 PreparedStatement step = writer.prepareStatement(
                         "UPDATE initialization_step SET progress = 60 WHERE project_id = ? AND name = 'a'")) {
                header.setString(1, project);
                step.setString(1, project);
                assertThat(header.executeUpdate()).isEqualTo(1);
                assertThat(step.executeUpdate()).isEqualTo(1);
            }
            writer.commit();
        }

        JsonPath view = read.get(20, TimeUnit.SECONDS);
        long sequence = view.getLong("sequence");
        int stepA = view.getInt("steps[0].progress");
        assertThat(sequence == before && stepA == 10 || sequence == before + 1 && stepA == 60)
                .as("sequence %d with step a at %d: one state (%d, 10) or (%d, 60)", sequence, stepA, before,
                        before + 1)
                .isTrue();
    }
}
