package io.stepprogress.progress.relay;

import static io.stepprogress.progress.support.ProgressApi.management;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.infra.Infrastructure;
import io.stepprogress.infra.KafkaServer;
import io.stepprogress.progress.support.MigrationUser;
import io.stepprogress.progress.support.ProgressTopicTail;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Nothing acknowledged by the API is ever lost: not while Kafka is down, not when the relay stops or its
 * replication connection is cut mid-stream. Duplicates are allowed (at-least-once) and reported.
 */
@QuarkusTest
class RelayFaultTest {

    @Inject
    OutboxRelay relay;

    private final ProgressTopicTail tail = ProgressTopicTail.shared();

    @Test
    void writesSucceedWhileKafkaIsDownAndEveryEventArrivesWhenItReturns() {
        KafkaServer kafka = Infrastructure.shared().kafka();
        assumeTrue(kafka.restartable(), "this infrastructure cannot restart its broker");
        List<String> projects = IntStream.range(0, 5).mapToObj(i -> newProjectId("outage" + i)).toList();
        projects.forEach(p -> start(p, plan("a", "b")).statusCode(201));
        await().atMost(Duration.ofSeconds(30)).until(() -> projects.stream().allMatch(p -> tail.hasSequence(p, 1)));

        kafka.stop();
        try {
            for (int value = 1; value <= 20; value++) {
                for (String project : projects) {
                    progress(project, "a", value).statusCode(200);
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.state() == RelayState.PUBLISH_FAILING);
            management().get("/q/health/group/relay").then().statusCode(503);
            management().get("/q/health/ready").then().statusCode(200);
        } finally {
            kafka.start();
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> projects.stream().allMatch(p -> tail.hasSequence(p, 21)));
        report("broker outage", projects, 21);
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.state() == RelayState.RUNNING);
        management().get("/q/health/group/relay").then().statusCode(200);
    }

    /**
     * The relay sends without waiting between batches, so events are in flight when the broker goes: their offsets
     * must not be marked. Restarting the relay while Kafka is down throws away everything in flight; only the stored
     * offset brings those events back, so any offset marked before Kafka's acknowledgement shows here as a gap.
     */
    @Test
    void eventsInFlightWhenKafkaGoesAreRelayedFromTheStoredOffsetAfterARestart() throws Exception {
        KafkaServer kafka = Infrastructure.shared().kafka();
        assumeTrue(kafka.restartable(), "this infrastructure cannot restart its broker");
        String project = newProjectId("inflight");
        start(project, plan("a")).statusCode(201);

        Thread writer = new Thread(() -> {
            for (int value = 1; value <= 60; value++) {
                progress(project, "a", value).statusCode(200);
            }
        });
        writer.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 10));
        kafka.stop();
        try {
            writer.join(Duration.ofSeconds(60).toMillis());
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.state() == RelayState.PUBLISH_FAILING);
            relay.stop();
            relay.start();
        } finally {
            kafka.start();
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> tail.hasSequence(project, 61));
        report("broker outage with events in flight, relay restarted", List.of(project), 61);
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.state() == RelayState.RUNNING);
    }

    /**
     * Kafka hangs for 25 s with its connections open (a long pause, a network cut), longer than the relay's producer
     * once kept a record (its delivery timeout was 9 s), while writes go on: the events in flight when it hung, and
     * every event queued behind them, must reach the topic in their project's order. A producer that gives up on the
     * oldest still sends what is queued behind it once Kafka answers, so a later event lands first and consumers
     * drop the earlier one as stale: first arrivals out of order here. The hang's length is the fault's shape, not a
     * synchronisation.
     */
    @Test
    void aBrokerHungLongerThanADeliveryTimeoutUnderLoadKeepsEveryProjectsOrder() throws Exception {
        KafkaServer kafka = Infrastructure.shared().kafka();
        assumeTrue(kafka.restartable(), "this infrastructure cannot restart its broker");
        List<String> steps = List.of("a", "b", "c", "d");
        List<String> projects = IntStream.range(0, 3).mapToObj(i -> newProjectId("long-outage" + i)).toList();
        projects.forEach(p -> start(p, plan(steps.toArray(String[]::new))).statusCode(201));
        AtomicInteger written = new AtomicInteger();
        List<Thread> writers = projects.stream().map(project -> new Thread(() -> {
            for (String step : steps) {
                for (int value = 1; value <= 100; value++) {
                    progress(project, step, value).statusCode(200);
                    written.incrementAndGet();
                    try {
                        Thread.sleep(40); // pacing the load across the outage, not synchronising
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        })).toList();
        writers.forEach(Thread::start);
        await().atMost(Duration.ofSeconds(30)).until(() -> projects.stream().allMatch(p -> tail.hasSequence(p, 10)));
        kafka.pause();
        long pausedAt = System.nanoTime();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.state() == RelayState.PUBLISH_FAILING);
            assertThat(written.get()).as("the load goes on after the relay reported Kafka away").isLessThan(1200);
            await().atMost(Duration.ofSeconds(60)).until(() -> System.nanoTime() - pausedAt >= 25_000_000_000L);
        } finally {
            kafka.resume();
        }
        for (Thread writer : writers) {
            writer.join(Duration.ofSeconds(60).toMillis());
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> projects.stream().allMatch(p -> tail.hasSequence(p, 401)));
        report("broker hung 25 s under load", projects, 401);
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.state() == RelayState.RUNNING);
    }

    @Test
    void restartingTheRelayMidStreamLosesNothing() throws Exception {
        String project = newProjectId("restart");
        start(project, plan("a")).statusCode(201);

        Thread writer = new Thread(() -> {
            for (int value = 1; value <= 100; value++) {
                progress(project, "a", value).statusCode(200);
            }
        });
        writer.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 20));
        relay.stop();
        relay.start();
        writer.join(Duration.ofSeconds(60).toMillis());

        await().atMost(Duration.ofSeconds(60)).until(() -> tail.hasSequence(project, 101));
        report("relay restart", List.of(project), 101);
    }

    @Test
    void cuttingTheReplicationConnectionMidStreamLosesNothing() throws Exception {
        String project = newProjectId("cut");
        start(project, plan("a")).statusCode(201);

        Thread writer = new Thread(() -> {
            for (int value = 1; value <= 100; value++) {
                progress(project, "a", value).statusCode(200);
            }
        });
        writer.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> tail.hasSequence(project, 20));
        try (Connection connection = MigrationUser.connect(); Statement sql = connection.createStatement()) {
            // What a crash of the relay's side looks like to PostgreSQL: the walsender goes away unannounced.
            sql.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
                    + "WHERE slot_name = 'progress_outbox' AND active_pid IS NOT NULL");
        }
        writer.join(Duration.ofSeconds(60).toMillis());

        await().atMost(Duration.ofSeconds(90)).until(() -> tail.hasSequence(project, 101));
        report("replication connection cut", List.of(project), 101);
    }

    /** Every sequence 1..last arrived, first arrivals in order; prints the duplicates counted. */
    private void report(String fault, List<String> projects, long last) {
        long duplicates = 0;
        long received = 0;
        for (String project : projects) {
            List<Long> sequences = tail.sequences(project);
            received += sequences.size();
            Set<Long> seen = new HashSet<>();
            List<Long> firstArrivals = sequences.stream().filter(seen::add).toList();
            assertThat(firstArrivals).as(project)
                    .containsExactly(LongStream.rangeClosed(1, last).boxed().toArray(Long[]::new));
            duplicates += sequences.size() - firstArrivals.size();
        }
        System.out.printf("FAULT %s: sent=%d received=%d duplicates=%d lost=0%n", fault, projects.size() * last,
                received, duplicates);
    }
}
