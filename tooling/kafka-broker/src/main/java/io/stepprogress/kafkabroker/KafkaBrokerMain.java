package io.stepprogress.kafkabroker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * Runs a single-node Apache Kafka broker (KRaft, broker and controller in one process) in this JVM.
 * <p>
 * Meant to be started as its own JVM (see {@code io.stepprogress.infra.EmbeddedKafkaServer}), because the
 * broker's 4.4.0 jars clash with the 4.1.2 clients the services use. The classpath to start it with is the
 * content of the {@value #CLASSPATH_RESOURCE} resource plus the jar (or classes directory) of this class.
 * <p>
 * Arguments (each also readable from a system property {@code kafka.broker.<name>}):
 * <ul>
 *   <li>{@code --data-dir DIR} (default {@code ./kafka-data}): holds {@code server.properties},
 *       {@code cluster.id} and the logs; formatted on first use only, so data survives restarts;</li>
 *   <li>{@code --port N} (default 9092): the PLAINTEXT listener on 127.0.0.1;</li>
 *   <li>{@code --controller-port N} (default 9093): the KRaft controller listener on 127.0.0.1;</li>
 *   <li>{@code --partitions N} (default 3): partitions of automatically created topics;</li>
 *   <li>{@code --config key=value} (repeatable): any other broker setting, applied last;</li>
 *   <li>{@code --exit-on-stdin-eof}: stop (gracefully) when standard input closes, so the broker never
 *       outlives a parent that was killed without running its shutdown hooks.</li>
 * </ul>
 * Once the broker answers an admin request it prints exactly one line {@value #READY_PREFIX}{@code <bootstrap>}
 * to standard output. SIGTERM stops it gracefully (Kafka installs its own shutdown hook).
 */
public final class KafkaBrokerMain {

    /** Printed, followed by the bootstrap address, once the broker serves requests. */
    public static final String READY_PREFIX = "KAFKA-BROKER-READY ";
    /** Classpath resource listing the broker's jars (absolute paths, separated by the path separator). */
    public static final String CLASSPATH_RESOURCE = "kafka-broker.classpath";

    private static final String LOG4J_CONFIG = "kafka-broker-log4j2.xml";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        // Before anything touches log4j: our quiet configuration, unless the caller chose another.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOG4J_CONFIG);
        }
        // Kafka logs while it shuts down: log4j must not stop (or be re-created) in its own shutdown hook.
        System.setProperty("log4j2.shutdownHookEnabled", "false");
        Options options = Options.parse(args);

        Path dataDir = options.dataDir.toAbsolutePath();
        Path logDir = dataDir.resolve("kafka-logs");
        Files.createDirectories(logDir);
        String clusterId = clusterId(dataDir);
        Path propertiesFile = writeProperties(dataDir, logDir, options);

        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(clusterId, propertiesFile);
        }

        String bootstrap = "127.0.0.1:" + options.port;
        Thread server = new Thread(() -> kafka.Kafka.main(new String[] {propertiesFile.toString()}), "kafka-main");
        server.start();

        if (options.exitOnStdinEof) {
            watchStdin();
        }

        awaitReady(bootstrap, server);
        System.out.println(READY_PREFIX + bootstrap);
        System.out.flush();
        server.join();
    }

    /** The cluster id is created once per data directory and kept there, so a restart finds its own cluster. */
    private static String clusterId(Path dataDir) throws IOException {
        Path file = dataDir.resolve("cluster.id");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
        return id;
    }

    static Map<String, String> brokerConfig(Path logDir, Options options) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@127.0.0.1:" + options.controllerPort);
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + options.port + ",CONTROLLER://127.0.0.1:" + options.controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + options.port);
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("log.dirs", logDir.toString());

        config.put("num.partitions", Integer.toString(options.partitions));
        config.put("auto.create.topics.enable", "true");
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "5");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "5");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("share.coordinator.state.topic.num.partitions", "3");
        config.put("group.initial.rebalance.delay.ms", "0");
        // After a crash (SIGKILL) the restarted controller refuses the broker's new registration until the old
        // session expires: 9 s by default, which made a restart after kill take ~14 s. A short session is fine
        // for a broker that heartbeats to its own process. A heartbeat a second is three within the session; at
        // idle each one is work for the broker's and the controller's threads.
        config.put("broker.heartbeat.interval.ms", "1000");
        config.put("broker.session.timeout.ms", "3000");
        // The active controller appends a no-op record to the metadata log every 500 ms by default, so that other
        // nodes can tell it is alive; a single combined node has no one to tell, and at idle those appends were
        // what its raft and controller threads did. 0 writes none.
        config.put("metadata.max.idle.interval.ms", "0");

        // Small and quick: a development broker, not a production one.
        config.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
        config.put("log.retention.hours", "168");
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "2");
        config.put("num.recovery.threads.per.data.dir", "1");
        config.put("background.threads", "2");
        config.putAll(options.overrides);
        return config;
    }

    private static Path writeProperties(Path dataDir, Path logDir, Options options) throws IOException {
        Properties properties = new Properties();
        brokerConfig(logDir, options).forEach(properties::setProperty);
        Path file = dataDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            properties.store(out, "Written by " + KafkaBrokerMain.class.getName() + " at every start");
        }
        return file;
    }

    private static void format(String clusterId, Path propertiesFile) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            status = kafka.tools.StorageTool.execute(
                    new String[] {"format", "-t", clusterId, "-c", propertiesFile.toString(), "--ignore-formatted"}, out);
        } catch (Exception e) {
            System.out.print(output.toString(StandardCharsets.UTF_8));
            System.out.println("Formatting the storage failed: " + e);
            e.printStackTrace(System.out);
            System.exit(1);
            return;
        }
        if (status != 0) {
            System.out.print(output.toString(StandardCharsets.UTF_8));
            System.out.println("Formatting the storage failed with status " + status);
            System.exit(1);
        }
    }

    private static void awaitReady(String bootstrap, Thread server) throws InterruptedException {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(config)) {
            while (true) {
                if (!server.isAlive()) {
                    throw new IllegalStateException("The broker stopped before it became ready");
                }
                try {
                    int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                            .nodes().get(3, TimeUnit.SECONDS).size();
                    if (brokers > 0) {
                        return;
                    }
                } catch (Exception notYet) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    System.out.println("The broker did not answer within " + READY_TIMEOUT);
                    System.exit(1);
                }
                Thread.sleep(100);
            }
        }
    }

    private static void watchStdin() {
        Thread watcher = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // ignore anything written; only the end of the stream matters
                }
            } catch (IOException e) {
                // treat like the end of the stream
            }
            System.out.println("Standard input closed: the parent is gone, stopping the broker");
            System.exit(0);
        }, "stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    static final class Options {
        Path dataDir = Paths.get(System.getProperty("kafka.broker.data-dir", "kafka-data"));
        int port = Integer.getInteger("kafka.broker.port", 9092);
        int controllerPort = Integer.getInteger("kafka.broker.controller-port", 9093);
        int partitions = Integer.getInteger("kafka.broker.partitions", 3);
        boolean exitOnStdinEof = Boolean.getBoolean("kafka.broker.exit-on-stdin-eof");
        final Map<String, String> overrides = new LinkedHashMap<>();

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--data-dir" -> options.dataDir = Paths.get(value(args, ++i, arg));
                    case "--port" -> options.port = Integer.parseInt(value(args, ++i, arg));
                    case "--controller-port" -> options.controllerPort = Integer.parseInt(value(args, ++i, arg));
                    case "--partitions" -> options.partitions = Integer.parseInt(value(args, ++i, arg));
                    case "--exit-on-stdin-eof" -> options.exitOnStdinEof = true;
                    case "--config" -> {
                        String pair = value(args, ++i, arg);
                        int eq = pair.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--config expects key=value, got " + pair);
                        }
                        options.overrides.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                    default -> throw new IllegalArgumentException("Unknown argument " + arg
                            + " (known: --data-dir, --port, --controller-port, --partitions, --config k=v, --exit-on-stdin-eof)");
                }
            }
            return options;
        }

        private static String value(String[] args, int i, String name) {
            if (i >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args[i];
        }
    }
}
