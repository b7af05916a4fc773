package io.stepprogress.progress.relay;

import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.progress.initialization.InitializationService;
import io.stepprogress.progress.support.ProgressTopicTail;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The relay's own connector, task and queue are the ones streaming (a task woken by its queue, no polling), and a
 * burst committed at once, which reaches the queue faster than the task hands it over, arrives whole and in order.
 */
@QuarkusTest
class RelayQueueTest {

    private static final int UPDATES_PER_STEP = 100;

    @Inject
    InitializationService service;

    private final ProgressTopicTail tail = ProgressTopicTail.shared();

    @Test
    void aBurstCommittedAtOnceIsRelayedWholeAndInOrderThroughTheRelaysOwnQueueAndSockets() {
        String project = newProjectId("burst");
        start(project, plan("a", "b")).statusCode(201);
        long handedOverBefore = RelayConnectorTask.handedOver();

        // One transaction: its 200 events reach the replication stream together.
        QuarkusTransaction.requiringNew().run(() -> {
            for (int p = 1; p <= UPDATES_PER_STEP; p++) {
                service.reportProgress(project, "a", p, null);
                service.reportProgress(project, "b", p, null);
            }
        });

        long last = 1 + 2L * UPDATES_PER_STEP;
        await().atMost(Duration.ofSeconds(60)).until(() -> tail.hasSequence(project, last));
        assertThat(tail.sequences(project)).containsExactly(LongStream.rangeClosed(1, last).boxed().toArray(Long[]::new));
        assertThat(RelayQueues.open()).as("the engine's queue is the relay's waking one").isPositive();
        assertThat(RelayConnectorTask.handedOver() - handedOverBefore)
                .as("records handed over by the relay's task from its waking queue").isGreaterThanOrEqualTo(2L * UPDATES_PER_STEP);
        // By name: pgjdbc loads the socket factory with its own class loader, which a Quarkus test's is not.
        await("the replication reader waits for a message in the relay's probe").atMost(Duration.ofSeconds(30))
                .until(RelayQueueTest::replicationReaderWaitsInTheRelaysProbe);
    }

    /** pgjdbc's check for a message (hasMessagePending) reading through the relay's socket, where it waits. */
    private static boolean replicationReaderWaitsInTheRelaysProbe() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(thread -> thread.getKey().getName().contains("change-event-source-coordinator"))
                .map(thread -> Arrays.stream(thread.getValue())
                        .map(frame -> frame.getClassName() + "." + frame.getMethodName()).toList())
                .anyMatch(frames -> frames.contains("org.postgresql.core.PGStream.hasMessagePending") && frames.stream()
                        .anyMatch(frame -> frame.startsWith(ProbeWaitingSocketFactory.class.getName())));
    }
}
