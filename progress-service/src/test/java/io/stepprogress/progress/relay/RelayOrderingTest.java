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
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * 20 projects x 50 updates from 8 threads. Each project has 5 steps updated by different threads at the
 * same time, so one project's updates race for its row lock; its events must still arrive 1..51 with no
 * gap and no duplicate.
 */
@QuarkusTest
class RelayOrderingTest {

    private static final int PROJECTS = 20;
    private static final String[] STEPS = {"s1", "s2", "s3", "s4", "s5"};
    private static final int UPDATES_PER_STEP = 10;

    private final ProgressTopicTail tail = ProgressTopicTail.shared();

    @Test
    void eachProjectsEventsArriveInSequenceOrderWithoutGapsOrDuplicates() throws Exception {
        List<String> projects = IntStream.range(0, PROJECTS).mapToObj(i -> newProjectId("order" + i)).toList();
        projects.forEach(p -> start(p, plan(STEPS)).statusCode(201));

        ExecutorService writers = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (String project : projects) {
            for (String step : STEPS) {
                done.add(writers.submit(() -> {
                    for (int i = 1; i <= UPDATES_PER_STEP; i++) {
                        progress(project, step, i * 10).statusCode(200);
                    }
                }));
            }
        }
        for (Future<?> future : done) {
            future.get();
        }
        writers.shutdown();

        long last = 1 + (long) STEPS.length * UPDATES_PER_STEP;
        await().atMost(Duration.ofSeconds(60)).until(() -> projects.stream().allMatch(p -> tail.hasSequence(p, last)));
        for (String project : projects) {
            assertThat(tail.sequences(project)).as(project)
                    .containsExactly(LongStream.rangeClosed(1, last).boxed().toArray(Long[]::new));
            assertThat(tail.received(project)).extracting(ProgressTopicTail.Received::partition).as(project)
                    .containsOnly(tail.received(project).get(0).partition());
        }
    }
}
