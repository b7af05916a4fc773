package io.stepprogress.progress.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/**
 * The relay's supervisor against failures that do not come from the engine's own callback, without Quarkus,
 * PostgreSQL or Kafka: what matters is what the thread and the health check do.
 */
class RelaySupervisorTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:1/progress";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RelayConfig config = TestRelayConfig.with(Map.of("progress.relay.retry-initial-backoff", "10ms",
            "progress.relay.retry-max-backoff", "20ms", "progress.relay.starting-timeout", "30s"));

    @Test
    void theSupervisorSurvivesAnErrorThrownWhileStartingAndKeepsTrying() {
        AtomicInteger attempts = new AtomicInteger();
        RelayEngineProperties failing = new RelayEngineProperties(config, URL) {
            @Override
            public Properties build() {
                attempts.incrementAndGet();
                // An Error, not an Exception: what a broken classpath or a bug throws, and what nothing catches.
                throw new NoClassDefFoundError("simulated: io/debezium/Missing");
            }
        };
        OutboxRelay relay = new OutboxRelay(config, failing, null, "127.0.0.1:1", registry, Clock.systemUTC());
        try {
            relay.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 3);
            assertThat(relay.lastError()).contains("simulated: io/debezium/Missing");
            assertThat(relay.state()).isIn(RelayState.RESTARTING, RelayState.STARTING);
            assertThat(registry.get("progress.relay.engine.restarts").counter().count()).isGreaterThanOrEqualTo(2);
            assertThat(relay.up()).isFalse();
        } finally {
            relay.stop();
        }
        assertThat(relay.state()).isEqualTo(RelayState.STOPPED);
    }

    @Test
    void startingLongerThanTheBoundTurnsHealthDown() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RelayEngineProperties hanging = new RelayEngineProperties(config, URL) {
            @Override
            public Properties build() {
                // An engine that never reaches streaming (e.g. a connection that hangs): the state stays STARTING.
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("released");
            }
        };
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        ReplicationSlot slot = new ReplicationSlot(null, config, URL, registry);
        slot.set(new ReplicationSlot.State(ReplicationSlot.Status.VALID, "valid"));
        OutboxRelay relay = new OutboxRelay(config, hanging, slot, "127.0.0.1:1", registry, clock);
        RelayHealthCheck health = new RelayHealthCheck(relay, new SlotLagProbe(null, config, registry), slot);
        try {
            relay.start();
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(relay.state()).isEqualTo(RelayState.STARTING);
            assertThat(health.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

            clock.advance(Duration.ofSeconds(30));
            assertThat(health.call().getStatus()).as("at the bound").isEqualTo(HealthCheckResponse.Status.UP);

            clock.advance(Duration.ofMillis(1));
            HealthCheckResponse response = health.call();
            assertThat(relay.state()).isEqualTo(RelayState.STARTING);
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(response.getData().orElseThrow()).containsEntry("state", "STARTING")
                    .containsKey("reason");
        } finally {
            release.countDown();
            relay.stop();
        }
    }

    @Test
    void aUrlTheRelayCannotUseFailsStartupNamingTheSetting() {
        OutboxRelay relay = new OutboxRelay(config, new RelayEngineProperties(config,
                "jdbc:postgresql://db1:5432,db2:5432/progress"), null, "127.0.0.1:1", registry, Clock.systemUTC());
        assertThatThrownBy(() -> relay.onStart(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quarkus.datasource.jdbc.url").hasMessageContaining("several hosts");
        assertThat(relay.state()).isEqualTo(RelayState.STOPPED);
    }

    @Test
    void aMissingSlotTurnsHealthDownEvenWhileStreaming() {
        ReplicationSlot slot = new ReplicationSlot(null, config, URL, registry);
        slot.set(new ReplicationSlot.State(ReplicationSlot.Status.MISSING, "relay unavailable: replication slot "
                + "progress_outbox is missing"));
        OutboxRelay relay = new OutboxRelay(config, new RelayEngineProperties(config, URL), slot, "127.0.0.1:1",
                registry, Clock.systemUTC()) {
            @Override
            public boolean up() {
                return true; // streaming: only the slot can make it DOWN here
            }
        };
        HealthCheckResponse response = new RelayHealthCheck(relay, new SlotLagProbe(null, config, registry), slot).call();
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow()).containsEntry("slot", "MISSING")
                .containsEntry("slotDetail", "relay unavailable: replication slot progress_outbox is missing");
    }

    private static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration by) {
            now.updateAndGet(i -> i.plus(by));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
