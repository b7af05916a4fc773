package io.stepprogress.notifier.readmodel;

import static io.stepprogress.notifier.readmodel.ReadModels.apply;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stepprogress.testkit.Events;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Subscribing while the budget evicts: a subscriber never ends up on a stream the read model no longer
 * feeds (it would wait forever for events), and every subscriber of a live project gets its later events.
 */
class EvictionRaceTest {

    private static final int PROJECTS = 300;
    private static final int ROUNDS = 40;
    private static final int SUBSCRIBING_THREADS = 3;
    private static final int SUBSCRIPTIONS_PER_THREAD = 3_000;

    @Test
    void noSubscriberIsLeftOnAnEvictedStreamAndEveryOneGetsLaterEvents() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // A few dozen projects fit: nearly every new event pushes the read model over and evicts.
        ProjectReadModel model = ReadModels.create("128K", "256K", 20, 1_000_000, Duration.ofMinutes(30), registry,
                Clock.systemUTC());
        List<Events.Run> runs = new ArrayList<>();
        for (int i = 0; i < PROJECTS; i++) {
            runs.add(Events.plan("race-" + i, "a", "b"));
            apply(model, runs.get(i).initialized());
        }
        Map<ReadModels.RecordingSubscriber, String> kept = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(SUBSCRIBING_THREADS + 1);
        List<Future<?>> work = new ArrayList<>();
        work.add(threads.submit(() -> {
            start.await();
            for (int round = 1; round <= ROUNDS; round++) {
                for (Events.Run run : runs) {
                    apply(model, run.progress("a", round));
                }
            }
            return null;
        }));
        for (int t = 0; t < SUBSCRIBING_THREADS; t++) {
            // Most leave at once, so most projects stay unwatched and evictable.
            work.add(threads.submit(subscribers(start, model, kept, "race-", PROJECTS, SUBSCRIPTIONS_PER_THREAD, 20,
                    random -> random.nextBoolean() ? OptionalLong.empty() : OptionalLong.of(random.nextInt(ROUNDS)))));
        }
        start.countDown();
        finish(threads, work);

        assertThat(registry.get("notifier.projects.evicted").counters()).anySatisfy(c ->
                assertThat(c.count()).isPositive());
        assertThat(kept).isNotEmpty();
        kept.forEach((subscriber, projectId) ->
                assertThat(model.attached(projectId, subscriber)).as("subscriber of %s is on its live stream",
                        projectId).isTrue());
        for (Events.Run run : runs) {
            apply(model, run.progress("b", 1));
        }
        long latest = ROUNDS + 2;
        kept.forEach((subscriber, projectId) ->
                assertThat(subscriber.lastSequence()).as("last frame %s received", projectId).isEqualTo(latest));
        assertThat(model.bytesHeld()).isEqualTo(MemoryBudgetTest.recount(model));
    }

    /**
     * The tightest race: a handful of projects without events, the project cap at five, so nearly every
     * subscription creates a stream and evicts another. (On the read model before the budget, one subscriber
     * in a few thousand ended up on a removed stream.)
     */
    @Test
    void subscribersOfProjectsWithoutEventsNeverLandOnAnEvictedStream() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ProjectReadModel model = ReadModels.create("64M", "256K", 20, 5, Duration.ofMinutes(30), registry,
                Clock.systemUTC());
        Map<ReadModels.RecordingSubscriber, String> kept = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            work.add(threads.submit(subscribers(start, model, kept, "empty-", 12, 100_000, 200,
                    random -> OptionalLong.empty())));
        }
        start.countDown();
        finish(threads, work);

        assertThat(registry.get("notifier.projects.evicted").tag("state", "idle").counter().count()).isPositive();
        assertThat(kept).isNotEmpty();
        kept.forEach((subscriber, projectId) ->
                assertThat(model.attached(projectId, subscriber)).as("subscriber of %s is on its live stream",
                        projectId).isTrue());
        for (String projectId : Set.copyOf(kept.values())) {
            apply(model, Events.plan(projectId, "a").initialized());
        }
        kept.forEach((subscriber, projectId) ->
                assertThat(subscriber.lastSequence()).as("snapshot of %s received", projectId).isEqualTo(1));
    }

    /**
     * A thread's work: {@code subscriptions} subscriptions to random projects {@code prefix0..n-1}, each left
     * again at once except one in {@code keepOneIn}, which is recorded in {@code kept}.
     */
    private static Callable<Void> subscribers(CountDownLatch start, ProjectReadModel model,
                                              Map<ReadModels.RecordingSubscriber, String> kept, String prefix,
                                              int projects, int subscriptions, int keepOneIn,
                                              Function<ThreadLocalRandom, OptionalLong> lastEventId) {
        return () -> {
            start.await();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < subscriptions; i++) {
                String projectId = prefix + random.nextInt(projects);
                ReadModels.RecordingSubscriber subscriber = new ReadModels.RecordingSubscriber();
                model.subscribe(projectId, subscriber, lastEventId.apply(random));
                if (random.nextInt(keepOneIn) == 0) {
                    kept.put(subscriber, projectId);
                } else {
                    model.unsubscribe(projectId, subscriber);
                }
            }
            return null;
        };
    }

    private static void finish(ExecutorService threads, List<Future<?>> work) throws Exception {
        threads.shutdown();
        assertThat(threads.awaitTermination(120, TimeUnit.SECONDS)).as("the race finished").isTrue();
        for (Future<?> done : work) {
            done.get();
        }
    }
}
