package io.stepprogress.infra;

/**
 * A running single-node Apache Kafka broker (KRaft) with automatic topic creation and replication factor 1.
 * <p>
 * {@link #stop()} and {@link #start()} exist so tests can prove that producers and consumers survive a broker
 * outage: the broker comes back at the same {@link #bootstrapServers() address} with its data; {@link #pause()} and
 * {@link #resume()}, a broker that hangs with its connections open.
 * Implementations: {@link EmbeddedKafkaServer} (no Docker) and {@link ContainerKafkaServer}.
 */
public interface KafkaServer extends AutoCloseable {

    /** {@code host:port} for {@code bootstrap.servers}; the same for the whole life of this object. */
    String bootstrapServers();

    /** Stops the broker gracefully and waits (bounded) until it is gone. No-op when already stopped. */
    void stop();

    /** Starts the broker again after {@link #stop()}, same address and data, and waits until it serves. */
    void start();

    /**
     * Freezes the broker without closing anything: its connections stay open and what clients send waits unread,
     * as with a broker stuck in a long pause or cut off by the network. No-op when already paused.
     */
    void pause();

    /** Lets a {@link #pause() paused} broker run on from where it stopped. No-op when not paused. */
    void resume();

    /** Whether {@link #stop()} and {@link #start()} are supported; tests of outages should skip otherwise. */
    boolean restartable();

    /** Stops the broker for good; temporary data is deleted, a given data directory is kept. */
    @Override
    void close();
}
