package io.stepprogress.audit.outage;

import static io.stepprogress.testkit.EventPublisher.publishAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stepprogress.audit.log.AuditConsumer;
import io.stepprogress.audit.log.AuditLog;
import io.stepprogress.audit.support.DeadLetters;
import io.stepprogress.audit.support.Metrics;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.testkit.EventPublisher;
import io.stepprogress.testkit.Events;
import io.stepprogress.testkit.Management;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Outages of what the audit consumer writes to: its database and the dead-letter topic. Neither may close the
 * consumer, however long it lasts, and afterwards every event is recorded exactly once.
 */
@QuarkusTest
@TestProfile(OutageTest.OwnDatabase.class)
class OutageTest {

    private static final String AGE = "mp.messaging.incoming." + AuditConsumer.CHANNEL
            + ".throttled.unprocessed-record-max-age.ms";
    /** The connector's default for {@value #AGE}. */
    private static final long DEFAULT_AGE_MS = 60_000;
    /** auto.commit.interval.ms: how often the connector checks the age of unacknowledged records. */
    private static final long CHECK_EVERY_MS = 5_000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    AuditLog log;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void aDatabaseOutageLongerThanTheUnacknowledgedRecordLimitLosesNothingAndRecordsEachEventOnce() {
        Events.Run run = Events.plan(id("outage"), "a");
        List<StepProgressUpdated> before = List.of(run.initialized(), run.progress("a", 10));
        publishAll(before);
        await().atMost(WAIT).until(() -> log.count(run.projectId()) == 2);
        await().atMost(WAIT).until(() -> readiness() == 200);
        double writtenBefore = Metrics.value("audit_events_written_total");
        // Longer than the connector's limit on a record awaiting its ack (plus the interval it checks at),
        // whatever the limit is configured to: the outage must outlast it for this test to mean anything.
        long limit = ConfigProvider.getConfig().getOptionalValue(AGE, Long.class).orElse(DEFAULT_AGE_MS);
        Duration outage = Duration.ofMillis(Math.max(15_000, Math.max(limit, 0) + CHECK_EVERY_MS + 5_000));

        DedicatedPostgres.stopServer();
        List<StepProgressUpdated> during = new ArrayList<>();
        for (int p = 20; p <= 60; p += 10) {
            during.add(run.progress("a", p));
        }
        publishAll(during);
        publishAll(List.of(during.get(0))); // a redelivery in the middle of it
        await().atMost(Duration.ofSeconds(30)).until(() -> readiness() == 503);
        double retriesAtStart = Metrics.value("audit_write_retries_total");
        await().during(outage).atMost(outage.plusSeconds(30)).until(() -> readiness() == 503);
        assertThat(Metrics.value("audit_write_retries_total")).isGreaterThan(retriesAtStart);
        DedicatedPostgres.startServer();

        await().atMost(WAIT).until(() -> log.count(run.projectId()) == 7);
        assertThat(log.page(run.projectId(), 0, 100)).extracting(e -> e.event().eventId())
                .containsExactlyElementsOf(concat(before, during).stream().map(StepProgressUpdated::eventId).toList());
        await().atMost(WAIT).until(() -> readiness() == 200);
        // At least: its own group re-reads the topic's past (other test classes' events) into its own database.
        assertThat(Metrics.value("audit_events_written_total")).isGreaterThanOrEqualTo(writtenBefore + 5);
        // Still consuming: the channel was not closed by the wait.
        StepProgressUpdated after = run.progress("a", 70);
        publishAll(List.of(after));
        await().atMost(WAIT).until(() -> log.find(after.eventId()).isPresent());
    }

    @Test
    void aDeadLetterTopicThatRefusesRecordsIsRetriedAndThePartitionGoesOnOnceItTakesThem() {
        Events.Run run = Events.plan(id("dlq-down"), "a");
        double retriesBefore = Metrics.value("audit_dead_letter_retries_total");
        double deadBefore = Metrics.value("audit_dead_letter_total");

        RefusingSerializer.REFUSING.set(true);
        try {
            // Same key, same partition: the event behind the poison waits for its dead letter.
            EventPublisher.publishRaw(run.projectId(), "{not json".getBytes(StandardCharsets.UTF_8), "poison");
            publishAll(List.of(run.initialized()));
            await().atMost(WAIT).until(() -> Metrics.value("audit_dead_letter_retries_total") >= retriesBefore + 2);
            assertThat(log.count(run.projectId())).isZero();
        } finally {
            RefusingSerializer.REFUSING.set(false);
        }

        await().atMost(WAIT).until(() -> log.count(run.projectId()) == 1);
        assertThat(Metrics.value("audit_dead_letter_total")).isGreaterThanOrEqualTo(deadBefore + 1);
        assertThat(deadLetterReason(run.projectId())).contains("unparseable");
    }

    private static int readiness() {
        return Management.given().get("/q/health/ready").statusCode();
    }

    private String deadLetterReason(String key) {
        return DeadLetters.reasons(bootstrapServers, List.of(key), WAIT).get(key);
    }

    private static List<StepProgressUpdated> concat(List<StepProgressUpdated> a, List<StepProgressUpdated> b) {
        List<StepProgressUpdated> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Its own database and consumer group; a dead-letter serializer the test can make refuse. */
    public static final class OwnDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mp.messaging.incoming." + AuditConsumer.CHANNEL + ".group.id", "audit-outage-" + UUID.randomUUID(),
                    "mp.messaging.outgoing." + AuditConsumer.DEAD_LETTER_CHANNEL + ".value.serializer",
                    RefusingSerializer.class.getName());
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DedicatedPostgres.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }
}
