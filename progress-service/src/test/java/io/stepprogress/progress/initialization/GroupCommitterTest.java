package io.stepprogress.progress.initialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stepprogress.progress.initialization.GroupCommitter.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batching and answering, without a database: what the write path's group commit promises each caller. */
class GroupCommitterTest {

    private final ExecutorService callers = Executors.newFixedThreadPool(8);
    private final List<List<String>> batches = new CopyOnWriteArrayList<>();
    private final List<Integer> sizes = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstBatchMayEnd = new CountDownLatch(1);
    private final CountDownLatch firstBatchRunning = new CountDownLatch(1);

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    /** Answers "done:x"; "refuse" is refused alone; "explode" fails its batch. The first batch waits for a signal. */
    private List<Outcome<String>> apply(List<String> commands) {
        batches.add(List.copyOf(commands));
        if (batches.size() == 1) {
            firstBatchRunning.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> firstBatchMayEnd.getCount() == 0);
        }
        if (commands.contains("explode")) {
            throw new IllegalStateException("the transaction failed");
        }
        List<Outcome<String>> outcomes = new ArrayList<>();
        for (String command : commands) {
            outcomes.add(command.equals("refuse") ? Outcome.refused(new IllegalArgumentException("refused: " + command))
                    : Outcome.of("done:" + command));
        }
        return outcomes;
    }

    private GroupCommitter<String, String> committer(int maxBatchSize) {
        return new GroupCommitter<>("test-group-commit", maxBatchSize, this::apply, sizes::add);
    }

    /** "first" (its batch held), then c0..c(n-1), each queued before the next is sent: the queue's order. */
    private List<Future<String>> queueBehindTheFirstBatch(GroupCommitter<String, String> committer, int n)
            throws InterruptedException {
        List<Future<String>> sent = new ArrayList<>();
        sent.add(committer.submit("first"));
        assertThat(firstBatchRunning.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < n; i++) {
            sent.add(committer.submit("c" + i));
            int expected = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> committer.queued() == expected);
        }
        return sent;
    }

    @Test
    void commandsArrivingWhileATransactionRunsShareTheNextOneInArrivalOrderEachGettingItsOwnAnswer() throws Exception {
        try (GroupCommitter<String, String> committer = committer(64)) {
            List<Future<String>> sent = queueBehindTheFirstBatch(committer, 5);
            Future<String> first = sent.get(0);
            List<Future<String>> queued = sent.subList(1, sent.size());
            assertThat(sent).as("no caller waits in submit; each answer comes with its batch").noneMatch(Future::isDone);

            firstBatchMayEnd.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("done:first");
            for (int i = 0; i < 5; i++) {
                assertThat(queued.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("done:c" + i);
            }
            assertThat(batches).containsExactly(List.of("first"), List.of("c0", "c1", "c2", "c3", "c4"));
            assertThat(sizes).containsExactly(1, 5);
        }
    }

    @Test
    void aBatchNeverExceedsItsMaximumSize() throws Exception {
        try (GroupCommitter<String, String> committer = committer(2)) {
            List<Future<String>> sent = queueBehindTheFirstBatch(committer, 5);
            firstBatchMayEnd.countDown();
            for (Future<String> answer : sent) {
                answer.get(10, TimeUnit.SECONDS);
            }
            assertThat(batches).containsExactly(List.of("first"), List.of("c0", "c1"), List.of("c2", "c3"),
                    List.of("c4"));
        }
    }

    @Test
    void aRefusedCommandFailsAloneAndTheRestOfItsBatchIsAnswered() throws Exception {
        firstBatchMayEnd.countDown();
        try (GroupCommitter<String, String> committer = committer(64)) {
            assertThat(committer.submit("refuse")).failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(ExecutionException.class).havingCause()
                    .isInstanceOf(IllegalArgumentException.class).withMessage("refused: refuse");
            assertThat(committer.submit("after")).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("done:after");
        }
    }

    @Test
    void aFailedTransactionFailsEveryCommandInItsBatchAndNoOther() throws Exception {
        try (GroupCommitter<String, String> committer = committer(64)) {
            Future<String> first = committer.submit("first");
            assertThat(firstBatchRunning.await(10, TimeUnit.SECONDS)).isTrue();
            Future<String> innocent = committer.submit("innocent");
            await().atMost(Duration.ofSeconds(10)).until(() -> committer.queued() == 1);
            Future<String> explode = committer.submit("explode");
            await().atMost(Duration.ofSeconds(10)).until(() -> committer.queued() == 2);

            firstBatchMayEnd.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("done:first");
            for (Future<String> failed : List.of(innocent, explode)) {
                assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(
                        IllegalStateException.class).hasRootCauseMessage("the transaction failed");
            }
            assertThat(committer.submit("later")).as("the next batch runs as usual")
                    .succeedsWithin(Duration.ofSeconds(10)).isEqualTo("done:later");
        }
    }

    @Test
    void closingLetsTheRunningBatchCommitAndAnswersWhatIsQueuedAndWhatComesAfterWithAFailure() throws Exception {
        GroupCommitter<String, String> committer = committer(64);
        Future<String> first = committer.submit("first");
        assertThat(firstBatchRunning.await(10, TimeUnit.SECONDS)).isTrue();
        Future<String> closing = callers.submit(() -> {
            committer.close();
            return "closed";
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> committer.queued() == 1); // close's stop marker

        firstBatchMayEnd.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).as("the batch in progress commits").isEqualTo("done:first");
        assertThat(closing.get(10, TimeUnit.SECONDS)).isEqualTo("closed");
        CompletableFuture<String> late = committer.submit("late");
        assertThat(late).as("refused at once, never queued").isCompletedExceptionally();
        assertThat(late).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class).havingCause()
                .isInstanceOf(IllegalStateException.class).withMessageContaining("shutting down");
        assertThat(batches).containsExactly(List.of("first"));
    }

    @Test
    void aBatchSizeBelowOneIsRefused() {
        assertThatThrownBy(() -> committer(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
