package io.stepprogress.infra;

import java.time.Duration;
import java.util.List;

import org.testcontainers.containers.wait.strategy.LogMessageWaitStrategy;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Apache Kafka in a Docker container (Testcontainers {@code apache/kafka} image, KRaft, one node).
 * <p>
 * Restartable: the container's 9092 port is bound to a fixed free host port chosen before the first start,
 * and the broker advertises that address, so a {@code docker stop}/{@code docker start} of the same container
 * (which keeps its data in its writable layer) brings the broker back at the same address.
 */
public final class ContainerKafkaServer implements KafkaServer {

    public static final String DEFAULT_IMAGE = "apache/kafka:4.1.1";

    private static final int KAFKA_PORT = 9092;
    /** Logged by the broker each time it has started (the same line Testcontainers waits for). */
    private static final String STARTED_LOG = ".*Transitioning from RECOVERY to RUNNING.*";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final int STOP_TIMEOUT_SECONDS = 30;

    private final KafkaContainer container;
    private final String bootstrapServers;
    private int starts = 1;
    private boolean running = true;
    private boolean paused;

    private ContainerKafkaServer(KafkaContainer container) {
        this.container = container;
        this.bootstrapServers = container.getBootstrapServers();
    }

    public static ContainerKafkaServer startNew() {
        return startNew(DEFAULT_IMAGE);
    }

    public static ContainerKafkaServer startNew(String image) {
        int hostPort = FreePorts.find();
        KafkaContainer container = new KafkaContainer(
                DockerImageName.parse(image).asCompatibleSubstituteFor("apache/kafka"))
                .withEnv("KAFKA_NUM_PARTITIONS", "3")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1");
        // A fixed binding (instead of a random published port) survives docker stop/start; the advertised
        // listener, built from getMappedPort(9092) when the container starts, therefore stays right.
        container.setPortBindings(List.of(hostPort + ":" + KAFKA_PORT));
        container.start();
        return new ContainerKafkaServer(container);
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        resume(); // a paused container would only take the stop's SIGTERM once unpaused
        container.getDockerClient().stopContainerCmd(container.getContainerId())
                .withTimeout(STOP_TIMEOUT_SECONDS).exec();
        running = false;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
        running = true;
        starts++;
        // The container's log holds every run's output: wait for this run's start line.
        new LogMessageWaitStrategy()
                .withRegEx(STARTED_LOG)
                .withTimes(starts)
                .withStartupTimeout(STARTUP_TIMEOUT)
                .waitUntilReady(container);
    }

    @Override
    public synchronized void pause() {
        if (!paused) {
            container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
            paused = true;
        }
    }

    @Override
    public synchronized void resume() {
        if (paused) {
            container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
            paused = false;
        }
    }

    @Override
    public boolean restartable() {
        return true;
    }

    @Override
    public synchronized void close() {
        container.stop();
        running = false;
    }

    @Override
    public String toString() {
        return "ContainerKafkaServer[" + bootstrapServers + ", " + container.getDockerImageName() + "]";
    }
}
