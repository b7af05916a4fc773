package io.stepprogress.progress.relay;

import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.progress.support.ProgressTopicTail;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * Measures, not asserts, the time from an update's HTTP response to its record reaching a Kafka consumer,
 * over 1,000 updates sent at a steady rate ({@code -Dlatency.rate}, default 100 updates/s, so the writer
 * does not saturate the two cores it shares with PostgreSQL, Kafka and the consumer). Prints the figures;
 * asserts only that every record arrived.
 */
@QuarkusTest
class RelayLatencyTest {

    private static final int PROJECTS = 10;
    private static final int UPDATES_PER_PROJECT = 100;

    private static final int WARM_UP_UPDATES = 300;

    @Inject
    MeterRegistry registry;

    private final ProgressTopicTail tail = ProgressTopicTail.shared();

    @Test
    void measuresResponseToConsumedLatency() {
        String warmUp = newProjectId("warmup");
        start(warmUp, plan("a", "b", "c")).statusCode(201);
        for (int i = 0; i < WARM_UP_UPDATES; i++) {
            progress(warmUp, "abc".substring(i % 3, i % 3 + 1), i / 3 + 1).statusCode(200);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> tail.hasSequence(warmUp, WARM_UP_UPDATES + 1));
        Timer relayLag = registry.get("progress.relay.lag").timer();
        long lagCountBefore = relayLag.count();
        double lagTotalBefore = relayLag.totalTime(TimeUnit.MILLISECONDS);

        List<String> projects = new ArrayList<>();
        for (int i = 0; i < PROJECTS; i++) {
            String project = newProjectId("latency" + i);
            start(project, plan("a")).statusCode(201);
            projects.add(project);
        }
        long[][] respondedAt = new long[PROJECTS][UPDATES_PER_PROJECT];
        long intervalNanos = 1_000_000_000L / Integer.getInteger("latency.rate", 100);
        long next = System.nanoTime();
        for (int value = 1; value <= UPDATES_PER_PROJECT; value++) {
            for (int p = 0; p < PROJECTS; p++) {
                next += intervalNanos;
                LockSupport.parkNanos(next - System.nanoTime()); // pacing the load, not synchronising
                progress(projects.get(p), "a", value).statusCode(200);
                respondedAt[p][value - 1] = System.nanoTime();
            }
        }

        long last = UPDATES_PER_PROJECT + 1;
        await().atMost(Duration.ofSeconds(60)).until(() -> projects.stream().allMatch(p -> tail.hasSequence(p, last)));
        long[] micros = new long[PROJECTS * UPDATES_PER_PROJECT];
        int n = 0;
        for (int p = 0; p < PROJECTS; p++) {
            for (ProgressTopicTail.Received received : tail.received(projects.get(p))) {
                long sequence = received.event().sequence();
                if (sequence >= 2) {
                    micros[n++] = (received.consumedAtNanos() - respondedAt[p][(int) sequence - 2]) / 1_000;
                }
            }
        }
        assertThat(n).isEqualTo(PROJECTS * UPDATES_PER_PROJECT);
        Arrays.sort(micros);
        System.out.printf("LATENCY response->consumed over %d updates at " + Integer.getInteger("latency.rate", 100) + "/s: p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms%n",
                n, micros[n / 2] / 1000.0, micros[n * 90 / 100] / 1000.0, micros[n * 99 / 100] / 1000.0,
                micros[n - 1] / 1000.0);
        System.out.printf("LATENCY of which commit->Kafka ack (relay lag): mean=%.1f ms over %d events%n",
                (relayLag.totalTime(TimeUnit.MILLISECONDS) - lagTotalBefore) / (relayLag.count() - lagCountBefore),
                relayLag.count() - lagCountBefore);
    }
}
