package io.stepprogress.progress.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay's Debezium queue storage: a FIFO whose size is readable without Debezium's lock and that wakes its task. */
class WakingQueueProviderTest {

    private final ExecutorService waiter = Executors.newSingleThreadExecutor();
    private final WakingQueueProvider<String> queue = new WakingQueueProvider<>();

    @AfterEach
    void stop() {
        waiter.shutdownNow();
    }

    @Test
    void aWaitingTaskIsWokenByTheFirstRecordNotByItsTimeout() throws Exception {
        queue.configure(Map.of("max.queue.size", "16"));
        Future<Boolean> woken = waiter.submit(() -> queue.awaitRecords(Duration.ofMinutes(10)));
        await().atMost(Duration.ofSeconds(5)).until(() -> waiterIsWaiting());

        queue.enqueue("first");

        // Bounded far below the waiter's own ten minutes: only the wake-up can end it in time.
        await().atMost(Duration.ofSeconds(30)).until(woken::isDone);
        assertThat(woken.get()).isTrue();
    }

    @Test
    void aWaitOnAnEmptyQueueEndsEmptyAfterItsTimeout() throws Exception {
        queue.configure(Map.of("max.queue.size", "16"));
        assertThat(queue.awaitRecords(Duration.ofMillis(20))).isFalse();
        queue.enqueue("x");
        assertThat(queue.awaitRecords(Duration.ZERO)).as("records already there: no wait").isTrue();
    }

    @Test
    void recordsComeOutInOrderAndTheSizeFollows() throws Exception {
        queue.configure(Map.of("max.queue.size", "16"));
        queue.enqueue("a");
        queue.enqueue("b");
        queue.enqueue("c");
        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.poll()).isEqualTo("a");
        assertThat(queue.poll()).isEqualTo("b");
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.poll()).isEqualTo("c");
        assertThat(queue.poll()).isNull();
        assertThat(queue.size()).isZero();
    }

    @Test
    void theSizeIsRightWhenAnotherThreadEnqueues() throws Exception {
        queue.configure(Map.of("max.queue.size", "16"));
        CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 1000; i++) {
                queue.enqueue(Integer.toString(i));
            }
        }, waiter).get();
        assertThat(queue.size()).isEqualTo(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(queue.poll()).isEqualTo(Integer.toString(i));
        }
        assertThat(queue.size()).isZero();
    }

    @Test
    void theEngineKeyFindsTheQueueUntilItIsClosed() {
        queue.configure(Map.of("max.queue.size", "16", RelayQueues.KEY_PROPERTY, "engine-1"));
        assertThat(RelayQueues.find("engine-1")).containsSame(queue);

        WakingQueueProvider<String> restarted = new WakingQueueProvider<>();
        restarted.configure(Map.of("max.queue.size", "16", RelayQueues.KEY_PROPERTY, "engine-1"));
        queue.close(); // the replaced queue closing must not remove its successor
        assertThat(RelayQueues.find("engine-1")).containsSame(restarted);

        restarted.close();
        assertThat(RelayQueues.find("engine-1")).isEmpty();
    }

    private boolean waiterIsWaiting() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getState() == Thread.State.TIMED_WAITING)
                .anyMatch(t -> java.util.Arrays.stream(t.getStackTrace())
                        .anyMatch(frame -> frame.getMethodName().equals("awaitRecords")));
    }
}
