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
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The write path reads a project's row lock and its steps in one round trip: the steps must still be those of
 * the moment the lock was granted, never of the moment the update asked for it.
 */
@QuarkusTest
class LockedReadTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void anUpdateThatWaitedForTheRowLockSeesTheStepsItsHolderCommitted() throws Exception {
        String project = newProjectId("locked");
        start(project, plan("a", "b")).statusCode(201);
        long before = progress(project, "a", 10).statusCode(200).extract().jsonPath().getLong("sequence");

        CompletableFuture<JsonPath> update;
        try (Connection holder = LockWaits.holdRowLock(dataSource, project)) {
            update = CompletableFuture.supplyAsync(() -> progress(project, "a", 20).statusCode(200)
                    .extract().jsonPath());
            await().atMost(Duration.ofSeconds(20)).until(() -> LockWaits.aSessionWaitsForALock(dataSource));
            // What another writer of this project does while the update waits: a change of step b, one sequence.
            try (PreparedStatement header = holder.prepareStatement(
                         "UPDATE initialization SET sequence = sequence + 1 WHERE project_id = ?");
                 PreparedStatement step = holder.prepareStatement(
                         "UPDATE initialization_step SET status = 'RUNNING', progress = 70 "
                                 + "WHERE project_id = ? AND name = 'b'")) {
                header.setString(1, project);
                step.setString(1, project);
                assertThat(header.executeUpdate()).isEqualTo(1);
                assertThat(step.executeUpdate()).isEqualTo(1);
            }
            holder.commit();
        }

        JsonPath answer = update.get(20, TimeUnit.SECONDS);
        assertThat(answer.getLong("sequence")).isEqualTo(before + 2);
        assertThat(answer.getInt("steps[0].progress")).isEqualTo(20);
        assertThat(answer.getInt("steps[1].progress")).as("step b as committed while the update waited")
                .isEqualTo(70);
        JsonPath stored = asWorker().get("/api/projects/{p}/progress", project).then().statusCode(200)
                .extract().jsonPath();
        assertThat(stored.getLong("sequence")).isEqualTo(before + 2);
        assertThat(stored.getInt("steps[1].progress")).isEqualTo(70);
    }
}
