package io.stepprogress.progress.relay;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.engine.spi.OffsetCommitPolicy;
import io.debezium.embedded.Connect;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.stepprogress.event.trace.EventTracing;
import io.stepprogress.progress.overload.RelayBacklog;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The outbox relay: Debezium's embedded engine reads the outbox through logical decoding (pgoutput),
 * the Outbox Event Router turns each row into a keyed record, and this class hands every record to Kafka at once
 * and marks it processed only after Kafka acknowledged it and every record before it ({@link InFlightRecords}).
 * When Kafka fails, everything not yet acknowledged is sent again, in order, with backoff, and nothing after
 * it is marked meanwhile, so nothing is lost (at-least-once). When the engine itself fails (PostgreSQL gone),
 * it is started again after a backoff, whatever it threw. Before writes are served, and before every engine start,
 * {@link ReplicationSlot} makes sure the slot exists; the write API depends on that slot, not on the engine.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final RelayConfig config;
    private final RelayEngineProperties engineProperties;
    private final ReplicationSlot slot;
    private final Clock clock;
    private final String bootstrapServers;
    private final Counter relayed;
    private final Counter failures;
    private final Counter engineRestarts;
    private final Timer lag;
    private final EventTracing tracing;
    private final RelayBacklog backlog;
    private final long acknowledgementTimeoutNanos;
    private final AtomicReference<RelayState> state = new AtomicReference<>(RelayState.STOPPED);
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private volatile Instant stateSince;

    private volatile Run current;

    @Inject
    OutboxRelay(RelayConfig config, RelayEngineProperties engineProperties, ReplicationSlot slot,
                @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, MeterRegistry registry,
                OpenTelemetry openTelemetry, RelayBacklog backlog) {
        this(config, engineProperties, slot, bootstrapServers, registry, Clock.systemUTC(),
                new EventTracing(openTelemetry, OutboxRelay.class.getName()), backlog);
    }

    OutboxRelay(RelayConfig config, RelayEngineProperties engineProperties, ReplicationSlot slot,
                String bootstrapServers, MeterRegistry registry, Clock clock) {
        this(config, engineProperties, slot, bootstrapServers, registry, clock,
                new EventTracing(OpenTelemetry.noop(), OutboxRelay.class.getName()), // tests: untraced
                new RelayBacklog(Duration.ofMillis(100), 10, Duration.ofSeconds(1)));
    }

    private OutboxRelay(RelayConfig config, RelayEngineProperties engineProperties, ReplicationSlot slot,
                        String bootstrapServers, MeterRegistry registry, Clock clock, EventTracing tracing,
                        RelayBacklog backlog) {
        this.tracing = tracing;
        this.backlog = backlog;
        this.acknowledgementTimeoutNanos = config.acknowledgementTimeout().toNanos();
        this.config = config;
        this.engineProperties = engineProperties;
        this.slot = slot;
        this.clock = clock;
        this.stateSince = clock.instant();
        this.bootstrapServers = bootstrapServers;
        this.relayed = Counter.builder("progress.relay.events.relayed")
                .description("Outbox events acknowledged by Kafka").register(registry);
        this.failures = Counter.builder("progress.relay.failures")
                .description("Times Kafka refused events or left the oldest unacknowledged past the acknowledgement "
                        + "timeout (every event is relayed, in order, once Kafka answers)").register(registry);
        this.engineRestarts = Counter.builder("progress.relay.engine.restarts")
                .description("Times the Debezium engine stopped on an error and was started again").register(registry);
        this.lag = Timer.builder("progress.relay.lag")
                .description("From the event's occurredAt (commit) to Kafka's acknowledgement")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5)).register(registry);
        Gauge.builder("progress.relay.up", state, s -> s.get() == RelayState.RUNNING ? 1 : 0)
                .description("1 while the relay streams and Kafka acknowledges").register(registry);
    }

    /** Runs before the HTTP port opens (Quarkus opens it after the StartupEvent), so no write precedes the slot. */
    void onStart(@Observes StartupEvent event) {
        if (config.enabled()) {
            engineProperties.build(); // a URL the engine cannot use fails startup here, not later on its thread
        }
        // Fails startup rather than acknowledging writes no slot would ever carry to Kafka.
        slot.ensure();
        if (config.enabled()) {
            start();
        } else {
            LOG.warn("outbox relay disabled (progress.relay.enabled=false): events stay in the WAL");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    public RelayState state() {
        return state.get();
    }

    public String lastError() {
        return lastError.get();
    }

    /** How long the relay has been in its current state. */
    public Duration inStateFor() {
        return Duration.between(stateSince, clock.instant());
    }

    /**
     * Streaming, or starting for no longer than {@code progress.relay.starting-timeout}: a start that never reaches
     * streaming is a relay that is not working.
     */
    public boolean up() {
        RelayState now = state.get();
        return now == RelayState.RUNNING
                || now == RelayState.STARTING && inStateFor().compareTo(config.startingTimeout()) <= 0;
    }

    private void moveTo(RelayState next) {
        if (state.getAndSet(next) != next) {
            stateSince = clock.instant();
        }
    }

    public synchronized void start() {
        if (current != null) {
            return;
        }
        current = new Run();
        current.launch();
    }

    /** Stops the engine; what was not acknowledged by Kafka is relayed again by the next start. */
    public synchronized void stop() {
        Run run = current;
        current = null;
        if (run != null) {
            run.shutdown();
        }
        moveTo(RelayState.STOPPED);
    }

    /** One lifetime of the relay: an engine, restarted on failure until {@link #stop()}. */
    private final class Run {

        private final CountDownLatch stopping = new CountDownLatch(1);
        private final ExecutorService engineThread = Executors.newSingleThreadExecutor(
                r -> new Thread(r, "outbox-relay-engine"));
        private final KafkaPublisher publisher = new KafkaPublisher(bootstrapServers, config, tracing);
        /** Owned by the engine's polling thread, as is {@link #committer}. */
        private final InFlightRecords inFlight = new InFlightRecords();
        private DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer;
        private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

        void launch() {
            engineThread.execute(this::superviseEngine);
        }

        /**
         * Runs the engine; when it ends, whatever ended it (an error it reported, an exception or an Error thrown
         * while building or running it), waits and runs a new one, until stopped. The thread never ends on its
         * own: a thread that ended would leave the state where it was, e.g. STARTING, and no relay at all.
         */
        private void superviseEngine() {
            Duration backoff = config.retryInitialBackoff();
            while (stopping.getCount() > 0) {
                moveTo(RelayState.STARTING);
                Throwable error;
                try {
                    error = runEngine();
                } catch (Throwable thrown) {
                    error = thrown;
                }
                if (stopping.getCount() == 0) {
                    return;
                }
                lastError.set(String.valueOf(error));
                engineRestarts.increment();
                moveTo(RelayState.RESTARTING);
                if (error instanceof Error) {
                    LOG.errorf(error, "outbox relay engine failed; restarting in %d ms", backoff.toMillis());
                } else {
                    LOG.warnf("outbox relay engine stopped (%s); restarting in %d ms", error, backoff.toMillis());
                }
                if (awaitStop(backoff)) {
                    return;
                }
                backoff = min(backoff.multipliedBy(2), config.retryMaxBackoff());
            }
        }

        /** @return why the engine ended; the engine's own error, or a description when it ended without one */
        private Throwable runEngine() {
            Properties properties = engineProperties.build();
            // Debezium would create a missing slot itself, silently skipping what was committed meanwhile.
            slot.ensure();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            // A new engine starts from the stored offset: what was in flight for the last one comes again.
            inFlight.clear();
            committer = null;
            OffsetCommitPolicy periodic = OffsetCommitPolicy.periodic(properties);
            engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(properties)
                    .using(OutboxRelay.class.getClassLoader())
                    .using((OffsetCommitPolicy) (records, since) -> markAcknowledgedThenAsk(periodic, records, since))
                    .notifying(this::handleBatch)
                    .using(new DebeziumEngine.ConnectorCallback() {
                        @Override
                        public void taskStarted() {
                            // Streaming; a Kafka failure on the first batch moves it to PUBLISH_FAILING.
                            if (state.compareAndSet(RelayState.STARTING, RelayState.RUNNING)) {
                                stateSince = clock.instant();
                            }
                        }
                    })
                    .using((success, message, error) -> {
                        if (!success) {
                            failure.set(error != null ? error : new IllegalStateException(message));
                        }
                    })
                    .build();
            engine.run();
            Throwable error = failure.get();
            return error != null ? error : new IllegalStateException("the engine stopped without an error");
        }

        /**
         * Hands the batch's events to Kafka without waiting for them (the next poll overlaps their round trip), then
         * marks processed every record, of this batch or an earlier one, that Kafka acknowledged in order. When Kafka
         * refused one, everything still in flight is sent again, in order, until acknowledged.
         */
        private void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                                 DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
                throws InterruptedException {
            this.committer = committer;
            for (RecordChangeEvent<SourceRecord> record : records) {
                // Heartbeats and heartbeat-table changes only move the offset; they are not events.
                if (config.topic().equals(record.record().topic())) {
                    OutboxEvent event = toEvent(record.record());
                    inFlight.add(record, event, publisher.send(event, (metadata, error) -> answered(event, error)));
                } else {
                    inFlight.add(record, null, null);
                }
            }
            while (inFlight.size() > config.maxInFlight()) {
                if (stopping.getCount() == 0) {
                    // Kafka away: the records in flight wait in the producer, never refused; the next start sends them.
                    throw new InterruptedException("relay stopping; the records in flight will be relayed again on start");
                }
                inFlight.awaitOldest(config.retryMaxBackoff());
                markAcknowledged(committer);
            }
            markAcknowledged(committer);
            committer.markBatchFinished();
        }

        private void markAcknowledged(DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
                throws InterruptedException {
            InFlightRecords.Head head = inFlight.markAcknowledged(committer);
            if (head == InFlightRecords.Head.FAILED) {
                failures.increment();
                // What the failed producer still holds may or may not arrive; all of it is sent again, in order.
                publisher.reset();
                publishUntilAcknowledged(inFlight.unacknowledgedEvents());
                inFlight.markAll(committer);
            }
            reportWaiting();
        }

        /**
         * The engine asks its commit policy after every poll, also the empty ones, on the polling thread: records
         * acknowledged since the last batch are marked there, so a quiet relay's offset does not wait for the next
         * batch, and a Kafka that stopped answering shows within a poll. Failures are left to the next batch (a
         * heartbeat at the latest), which sends them again.
         */
        private boolean markAcknowledgedThenAsk(OffsetCommitPolicy policy, long records, Duration sinceLastCommit) {
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> marker = committer;
            if (marker != null) {
                try {
                    inFlight.markAcknowledged(marker);
                    reportWaiting();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return policy.performCommit(records, sinceLastCommit);
        }

        /**
         * PUBLISH_FAILING while the oldest event in flight has waited for Kafka longer than the acknowledgement
         * timeout, RUNNING again once it has not. The producer keeps waiting events in order without limit, so
         * their wait, not a send's failure, is what shows a Kafka that is away.
         */
        private void reportWaiting() {
            long waitingNanos = inFlight.oldestWaitingNanos(System.nanoTime());
            RelayState now = state.get();
            if (waitingNanos > acknowledgementTimeoutNanos) {
                if (now == RelayState.RUNNING) {
                    failures.increment();
                    OutboxEvent oldest = inFlight.oldestEvent();
                    String error = "Kafka has not acknowledged event " + (oldest == null ? "?" : oldest.eventId())
                            + " in " + TimeUnit.NANOSECONDS.toMillis(waitingNanos) + " ms";
                    lastError.set(error);
                    moveTo(RelayState.PUBLISH_FAILING);
                    LOG.warnf("outbox relay cannot publish, waiting for Kafka in order: %s", error);
                }
            } else if (now == RelayState.PUBLISH_FAILING) {
                moveTo(RelayState.RUNNING);
            }
        }

        /**
         * On the producer's I/O thread: counts the acknowledgement, or keeps why Kafka refused the event (the polling
         * thread finds the refusal at the head of the line and sends everything from there again).
         */
        private void answered(OutboxEvent event, Exception error) {
            if (error == null) {
                acknowledged(event);
            } else {
                lastError.set(String.valueOf(error));
            }
        }

        private void publishUntilAcknowledged(List<OutboxEvent> events) throws InterruptedException {
            Duration backoff = config.retryInitialBackoff();
            while (true) {
                if (stopping.getCount() == 0) {
                    throw new InterruptedException("relay stopping; the batch will be relayed again on start");
                }
                try {
                    publisher.publish(events, this::acknowledged);
                    moveTo(RelayState.RUNNING);
                    return;
                } catch (PublishException e) {
                    failures.increment();
                    lastError.set(e.getMessage());
                    if (state.get() != RelayState.PUBLISH_FAILING) {
                        moveTo(RelayState.PUBLISH_FAILING);
                        LOG.warnf("outbox relay cannot publish, retrying until Kafka answers: %s", e.getMessage());
                    }
                    if (awaitStop(backoff)) {
                        throw new InterruptedException("relay stopping; the batch will be relayed again on start");
                    }
                    backoff = min(backoff.multipliedBy(2), config.retryMaxBackoff());
                }
            }
        }

        private void acknowledged(OutboxEvent event) {
            relayed.increment();
            if (event.occurredAt() != null) {
                Duration sinceCommit = Duration.between(event.occurredAt(), Instant.now());
                lag.record(sinceCommit);
                backlog.acknowledged(sinceCommit, System.nanoTime());
            }
        }

        private boolean awaitStop(Duration timeout) {
            try {
                return stopping.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }

        void shutdown() {
            stopping.countDown();
            DebeziumEngine<?> running = engine;
            if (running != null) {
                try {
                    running.close();
                } catch (IOException e) {
                    LOG.warn("outbox relay engine did not close cleanly", e);
                }
            }
            engineThread.shutdown();
            try {
                if (!engineThread.awaitTermination(30, TimeUnit.SECONDS)) {
                    engineThread.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            publisher.close();
        }
    }

    static OutboxEvent toEvent(SourceRecord record) {
        Object value = record.value();
        byte[] payload = value instanceof byte[] bytes ? bytes : String.valueOf(value).getBytes(StandardCharsets.UTF_8);
        return new OutboxEvent(String.valueOf(record.key()), payload, header(record, "id"),
                header(record, "eventType"), occurredAt(header(record, "occurredAt")),
                header(record, RelayEngineProperties.TRACEPARENT_HEADER));
    }

    private static String header(SourceRecord record, String name) {
        Header header = record.headers().lastWithName(name);
        return header == null || header.value() == null ? null : String.valueOf(header.value());
    }

    private static Instant occurredAt(String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
