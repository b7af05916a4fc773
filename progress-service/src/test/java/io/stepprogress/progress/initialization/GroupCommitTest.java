package io.stepprogress.progress.initialization;

import static io.stepprogress.progress.support.ProgressApi.asWorker;
import static io.stepprogress.progress.support.ProgressApi.complete;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.StepStatus;
import io.stepprogress.progress.support.LockWaits;
import io.stepprogress.progress.support.ProgressTopicTail;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Step commands that arrive while a write transaction runs share the next one, and each is still decided alone, in
 * arrival order: the refused ones change nothing, the accepted ones commit with their events in order, a project's
 * later command sees its earlier one. The first transaction is held on a row lock, so the batch is formed on purpose.
 */
@QuarkusTest
class GroupCommitTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    private final ProgressTopicTail tail = ProgressTopicTail.shared();
    /** Each request waits for its answer on its own thread (the common pool may have only one). */
    private final ExecutorService clients = Executors.newFixedThreadPool(9);

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    @Test
    void commandsQueuedBehindATransactionShareTheNextOneEachDecidedAloneInArrivalOrder() throws Exception {
        String p = newProjectId("batch-p");
        String q = newProjectId("batch-q");
        start(p, plan("a", "b")).statusCode(201);
        start(q, plan("a", "b")).statusCode(201);
        List<ExtractableResponse<Response>> answers = behindOneTransaction(p, List.of(
                () -> progress(q, "a", 10),            // 200, q's sequence 2
                () -> progress(p, "a", 5),             // 409: the blocked update takes a to 10 first
                () -> progress(p, "a", 20),            // 200, p's sequence 3
                () -> complete(q, "a"),                // 200, q's sequence 3
                () -> progress(p, "zzz", 1),           // 404: no such step
                () -> progress(newProjectId("batch-none"), "a", 1), // 404: no such project
                () -> progress(q, "a", 30),            // 409: step a of q is completed (earlier in the batch)
                () -> complete(p, "a")));              // 200, p's sequence 4

        assertThat(answers).extracting(ExtractableResponse::statusCode)
                .containsExactly(200, 200, 409, 200, 200, 404, 404, 409, 200);
        assertThat(answers.get(2).contentType()).startsWith("application/problem+json");
        assertThat(answers.get(3).jsonPath().getLong("sequence")).isEqualTo(3);
        assertThat(answers.get(3).jsonPath().getInt("steps[0].progress")).isEqualTo(20);
        assertThat(answers.get(8).jsonPath().getLong("sequence")).isEqualTo(4);

        var storedP = asWorker().get("/api/projects/{p}/progress", p).then().statusCode(200).extract().jsonPath();
        assertThat(storedP.getLong("sequence")).isEqualTo(4);
        assertThat(storedP.getString("steps[0].status")).isEqualTo(StepStatus.COMPLETED.wireName());
        var storedQ = asWorker().get("/api/projects/{p}/progress", q).then().statusCode(200).extract().jsonPath();
        assertThat(storedQ.getLong("sequence")).isEqualTo(3);
        assertThat(storedQ.getString("steps[0].status")).isEqualTo(StepStatus.COMPLETED.wireName());

        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(p, 4) && tail.hasSequence(q, 3));
        assertThat(tail.sequences(p)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(tail.sequences(q)).containsExactly(1L, 2L, 3L);
        assertThat(tail.received(p).get(2).event().step().progress()).isEqualTo(20);
        assertThat(tail.received(p).get(3).event().step().status()).isEqualTo(StepStatus.COMPLETED);
    }

    @Test
    void runsCompletedInOneTransactionAreAllLearntNewestFirst() throws Exception {
        String step = "learnt-" + UUID.randomUUID().toString().substring(0, 8);
        String first = newProjectId("batch-first");
        String second = newProjectId("batch-second");
        String held = newProjectId("batch-held");
        start(first, plan(step)).statusCode(201);
        start(second, plan(step)).statusCode(201);
        start(held, plan("a")).statusCode(201);

        List<ExtractableResponse<Response>> answers = behindOneTransaction(held, List.of(
                () -> complete(first, step), () -> complete(second, step)));

        assertThat(answers).extracting(ExtractableResponse::statusCode).containsExactly(200, 200, 200);
        assertThat(answers.get(2).jsonPath().getString("status")).isEqualTo(InitializationStatus.COMPLETED.wireName());
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT seconds FROM step_duration_history WHERE step_name = ?")) {
            select.setString(1, step);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                Double[] seconds = (Double[]) row.getArray(1).getArray();
                // second started after first answered, and both completed in the same transaction: it took less.
                assertThat(seconds).hasSize(2);
                assertThat(seconds[0]).as("the run completed last comes first").isLessThan(seconds[1]);
            }
        }
    }

    /**
     * Sends a progress update of {@code held} while a session holds its row lock, so the write transaction waits,
     * then {@code behind} one by one (each queued before the next is sent), then lets the lock go: the commands
     * behind share the next transaction. Asserts they did.
     *
     * @return the answers: the held update's, then those of {@code behind} in order
     */
    private List<ExtractableResponse<Response>> behindOneTransaction(String held,
            List<Supplier<ValidatableResponse>> behind) throws Exception {
        DistributionSummary batches = registry.get("progress.write.batch.size").summary();
        long batchesBefore = batches.count();
        double commandsBefore = batches.totalAmount();
        List<CompletableFuture<ExtractableResponse<Response>>> sent = new ArrayList<>();
        try (Connection holder = LockWaits.holdRowLock(dataSource, held)) {
            sent.add(send(() -> progress(held, "a", 10)));
            await().atMost(Duration.ofSeconds(20)).until(() -> LockWaits.aSessionWaitsForALock(dataSource));
            for (Supplier<ValidatableResponse> command : behind) {
                sent.add(send(command));
                int expected = sent.size() - 1;
                // One at a time, so the queue's order is the order given.
                await().atMost(Duration.ofSeconds(20)).until(() -> queuedCommands() == expected);
            }
            holder.rollback();
        }
        List<ExtractableResponse<Response>> answers = new ArrayList<>();
        for (CompletableFuture<ExtractableResponse<Response>> answer : sent) {
            answers.add(answer.get(30, TimeUnit.SECONDS));
        }
        assertThat(batches.count() - batchesBefore).as("two transactions: the held one, then all behind it")
                .isEqualTo(2);
        assertThat(batches.totalAmount() - commandsBefore).isEqualTo(1 + behind.size());
        return answers;
    }

    private CompletableFuture<ExtractableResponse<Response>> send(Supplier<ValidatableResponse> command) {
        return CompletableFuture.supplyAsync(() -> command.get().extract(), clients);
    }

    private double queuedCommands() {
        return registry.get("progress.write.queued").gauge().value();
    }
}
