package io.stepprogress.progress.relay;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

@ConfigMapping(prefix = "progress.relay")
public interface RelayConfig {

    /** Off only for tests that must not publish; the write API works either way. */
    @WithDefault("true")
    boolean enabled();

    /** Kafka topic the events go to (see ProgressTopics.PROJECT_PROGRESS). */
    @WithDefault("project-progress")
    String topic();

    /** Partitions when the relay creates the topic; per-project order holds for any count. */
    @WithDefault("3")
    int partitions();

    @WithDefault("1")
    short replicationFactor();

    /**
     * The relay's own login (REPLICATION; reads the outbox, writes its offsets and heartbeats), so the write path's
     * datasource user needs neither. It connects to the datasource's database.
     */
    String username();

    Optional<String> password();

    @WithDefault("progress_outbox")
    String slotName();

    /** Created by the schema migration, limited to the outbox (and heartbeat) tables. */
    @WithDefault("progress_outbox")
    String publicationName();

    /**
     * Debezium's poll.interval.ms: how long its replication reader sleeps after five empty reads, so how long an
     * event may wait to be read, and how often a quiet reader wakes; also how long each of those reads waits for a
     * message ({@link ProbeWaitingSocketFactory}; pgjdbc's own wait is 1 ms). Debezium's 500 ms default adds up to half
     * a second. The relay's task does not poll Debezium's queue on this interval: it is woken by the first queued
     * record (RelayConnectorTask). The quiet reader's cost at 5 ms, on this project's 2-core machine: ~0.011 cores
     * (~0.026 with pgjdbc's 1 ms reads).
     */
    @WithDefault("5ms")
    Duration pollInterval();

    /**
     * How long the replication reader's probe for a message waits once nothing has arrived for a second, instead of
     * the poll interval ({@link ProbeWaitingSocketFactory}). A record still ends the wait the moment it arrives, so
     * this sets how often an idle reader wakes, not how late an event is read: at 500 ms, twice a second instead of
     * ~170. (Most of an idle reader's CPU is elsewhere: the second after each heartbeat record, when the stream is not
     * yet quiet and the probes are short; the server's keepalives do not count as records.) Debezium's status updates
     * from other threads (the flushed position, a keep-alive) may wait this long while the stream is quiet, and a stop
     * waits for the read under way.
     */
    @WithDefault("500ms")
    Duration quietReadWait();

    /**
     * The most records handed to Kafka per batch. The task hands over at once whatever is queued when it wakes, up to
     * this many; it never waits for a batch to fill (Debezium's own max.batch.size is set to 1 for that).
     */
    @WithDefault("2048")
    int maxBatchSize();

    /** Records Debezium's reader may queue ahead of the relay (its max.queue.size; larger than maxBatchSize). */
    @WithDefault("8192")
    int maxQueueSize();

    /**
     * Records sent to Kafka and not yet acknowledged before the relay waits for the oldest: the pipeline's depth.
     * Offsets only move past acknowledged records, so this bounds what a crash sends again, never what it loses.
     */
    @WithDefault("1000")
    int maxInFlight();

    /**
     * Keeps the slot's confirmed position moving on a quiet database: WAL that other tables write is retained about
     * this long (until the next heartbeat's position is confirmed), not until the next event. Each heartbeat is a
     * transaction, and the second after it keeps the reader on its short probes: at 10 s those seconds were most of
     * an idle reader's wake-ups.
     */
    @WithDefault("30s")
    Duration heartbeatInterval();

    /** How often relayed positions are stored; a crash redelivers at most this much (duplicates, never loss). */
    @WithDefault("1s")
    Duration offsetFlushInterval();

    @WithDefault("200ms")
    Duration retryInitialBackoff();

    @WithDefault("5s")
    Duration retryMaxBackoff();

    /**
     * How long Kafka may leave the oldest event in flight unacknowledged before the relay reports PUBLISH_FAILING
     * (health DOWN, {@code progress_relay_up} 0). The producer itself never gives an event up (that is what keeps a
     * project's events in order on the topic), so this is the relay's only measure of a Kafka that does not answer.
     */
    @WithDefault("10s")
    Duration acknowledgementTimeout();

    /**
     * Producer linger: how long an event may wait for others to share its produce request. The broker, and through the
     * fetch a request completes the notifier, pay per request more than per event, and below the write path's top rate
     * events reach the relay a few at a time: 5 ms costs each event up to 5 ms and saves about a sixth of the stack's CPU
     * per update at 500/s (docs/benchmarks.md, the tuning table). 0 favours latency alone.
     */
    @WithDefault("5")
    int lingerMs();

    /**
     * The longest the relay may stay STARTING (connecting, reading the slot) before health reports it DOWN: an
     * engine that never starts streaming must not look healthy forever.
     */
    @WithDefault("60s")
    Duration startingTimeout();

    /**
     * How often the replication slot's existence and validity are checked (a lost slot is recreated). Writes read
     * this cached state, and the outbox statement re-checks the slot itself, so this bounds only how fast writes
     * fail early and how fast a lost slot is recreated.
     */
    @WithDefault("1s")
    Duration slotCheckInterval();

    /** How often the replication slot's backlog is measured for metrics and health. */
    @WithDefault("5s")
    Duration lagProbeInterval();

    /** Extra Debezium engine properties, passed as they are (e.g. progress.relay.debezium."max.queue.size"). */
    Map<String, String> debezium();
}
