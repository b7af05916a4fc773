package io.stepprogress.stack;

import io.stepprogress.infra.EmbeddedKafkaServer;
import io.stepprogress.infra.EmbeddedPostgresServer;
import io.stepprogress.security.DevKeys;
import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.Scopes;
import io.stepprogress.security.SigningKey;
import io.stepprogress.security.TokenClaims;
import io.stepprogress.security.TokenIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole system on one machine: PostgreSQL and Kafka from local-infra (kept in the data directory, so a
 * second start finds its events again), the four services from their packaged jars, and optionally the demo
 * worker. Used by the command line ({@link LocalStackMain}) and by the cross-service tests.
 */
public final class LocalStack implements AutoCloseable {

    /** Everything configurable about a start. Ports 0 are not allowed: the stack prints fixed URLs. */
    public record Options(Path root, Path dataDir, boolean reset, boolean demo, int demoProjects, int postgresPort,
                          int kafkaPort, Map<Service, Integer> ports, Map<Service, Integer> managementPorts,
                          Map<String, String> environment) {

        public static Options defaults(Path root) {
            Map<Service, Integer> ports = new EnumMap<>(Service.class);
            Map<Service, Integer> management = new EnumMap<>(Service.class);
            for (Service service : Service.values()) {
                ports.put(service, service.defaultPort());
                management.put(service, service.defaultManagementPort());
            }
            return new Options(root, root.resolve("target/local-stack"), false, true, 3, 5432, 9092, ports, management,
                    Map.of());
        }

        public Options withDataDir(Path dir) {
            return new Options(root, dir, reset, demo, demoProjects, postgresPort, kafkaPort, ports,
                    managementPorts, environment);
        }

        public Options withDemo(boolean on) {
            return new Options(root, dataDir, reset, on, demoProjects, postgresPort, kafkaPort, ports,
                    managementPorts, environment);
        }

        public Options withReset(boolean on) {
            return new Options(root, dataDir, on, demo, demoProjects, postgresPort, kafkaPort, ports,
                    managementPorts, environment);
        }

        public Options withInfraPorts(int postgres, int kafka) {
            return new Options(root, dataDir, reset, demo, demoProjects, postgres, kafka, ports,
                    managementPorts, environment);
        }

        public Options withPort(Service service, int port) {
            Map<Service, Integer> changed = new EnumMap<>(ports);
            changed.put(service, port);
            return new Options(root, dataDir, reset, demo, demoProjects, postgresPort, kafkaPort, changed,
                    managementPorts, environment);
        }

        public Options withManagementPort(Service service, int port) {
            Map<Service, Integer> changed = new EnumMap<>(managementPorts);
            changed.put(service, port);
            return new Options(root, dataDir, reset, demo, demoProjects, postgresPort, kafkaPort, ports, changed,
                    environment);
        }

        public Options withDemoProjects(int projects) {
            return new Options(root, dataDir, reset, demo, projects, postgresPort, kafkaPort, ports,
                    managementPorts, environment);
        }

        /**
         * A setting (an environment variable, e.g. {@code NOTIFIER_CORS_ORIGINS}) given to every service, above
         * the stack's own: for what a test or a developer must change, such as the origins a host page is on.
         */
        public Options withEnvironment(String name, String value) {
            Map<String, String> changed = new HashMap<>(environment);
            changed.put(name, value);
            return new Options(root, dataDir, reset, demo, demoProjects, postgresPort, kafkaPort, ports,
                    managementPorts, Map.copyOf(changed));
        }

        /** Where the development key pair lives: created on the first start, reused afterwards. */
        public Path keysDir() {
            return dataDir.resolve("keys");
        }
    }

    /** A port the stack needs is taken: reported as a sentence, not a stack trace. */
    public static final class PortTakenException extends RuntimeException {
        PortTakenException(String message) {
            super(message);
        }
    }

    /** The demo worker's projects, and what the printed login link opens. */
    public static final String DEMO_PROJECTS = "demo-*";
    private static final Duration DEMO_WORKER_TOKEN_TTL = Duration.ofDays(7);
    /** The notifier asks progress-service for views as long as it runs: longer than any local session. */
    private static final Duration NOTIFIER_SOURCE_TOKEN_TTL = Duration.ofDays(7);
    /** progress-service's write path (no REPLICATION, no DDL) and outbox relay (REPLICATION) logins. */
    static final String PROGRESS_APP_ROLE = "progress_app";
    static final String PROGRESS_RELAY_ROLE = "progress_relay";

    private final Options options;
    private final DevKeys keys;
    private final Path watchDir;
    private final Map<Service, ServiceProcess> services = new EnumMap<>(Service.class);
    /**
     * Held while a process is being launched and while {@link #close()} takes the list of what runs: a close
     * (a shutdown hook on SIGTERM) during startup waits for the launch in flight and then stops it with the
     * rest, and no launch begins after it.
     */
    private final Object lifecycle = new Object();
    private boolean closed;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile EmbeddedPostgresServer postgres;
    private volatile EmbeddedKafkaServer kafka;
    private Process demo;

    private LocalStack(Options options, DevKeys keys, Path watchDir) {
        this.options = options;
        this.keys = keys;
        this.watchDir = watchDir;
    }

    /** Starts everything and waits until every service is ready. */
    public static LocalStack start(Options options, Duration readyTimeout) {
        LocalStack stack = prepare(options);
        stack.startAll(readyTimeout);
        return stack;
    }

    /**
     * Checks the ports and prepares the data directory and keys, starting nothing: a caller registers
     * {@link #close()} as a shutdown hook before {@link #startAll}, so a SIGTERM during startup stops whatever
     * has been started by then.
     */
    public static LocalStack prepare(Options options) {
        checkPortsFree(options);
        if (options.reset()) {
            deleteRecursively(options.dataDir());
        }
        try {
            Files.createDirectories(options.dataDir().resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DevKeys keys = DevKeys.loadOrCreate(options.keysDir());
        Path watchDir = ParentWatch.install(options.dataDir().resolve("parent-watch").toAbsolutePath());
        return new LocalStack(options, keys, watchDir);
    }

    /** PostgreSQL, Kafka, the services (waiting until each is ready), the demo worker; on failure stops all. */
    public void startAll(Duration readyTimeout) {
        Path logs = logs();
        try {
            // Checkpoints by time (checkpoint_timeout, 5 min), not by WAL volume, as PostgreSQL's docs advise for
            // write-heavy loads: at the default 1 GB the bench's overload (about 860 MB of WAL in 70 s) started a
            // checkpoint, whose full-page images then add to every commit's WAL, within seconds of its end.
            // New WAL segments not zero-filled: a fresh cluster, or any load writing more WAL than the last checkpoint
            // left to recycle, creates a 16 MB segment every few seconds, and zero-filling it (a 16 MB write and an
            // fsync, under the WAL write lock) held every commit for 60-120 ms, each time (docs/benchmarks.md).
            launch(() -> postgres = EmbeddedPostgresServer.builder().port(options.postgresPort())
                    .serverConfig("max_wal_size", "4GB")
                    .serverConfig("wal_init_zero", "off")
                    .dataDirectory(options.dataDir().resolve("postgres").toAbsolutePath()).start());
            launch(() -> kafka = EmbeddedKafkaServer.builder().port(options.kafkaPort())
                    .jvmOptions(JvmOptions.broker(logs).toArray(String[]::new))
                    .dataDirectory(options.dataDir().resolve("kafka").toAbsolutePath()).start());
            startServices(logs, readyTimeout);
            if (options.demo()) {
                launch(() -> startDemo(logs));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void launch(Runnable start) {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("the stack is stopping; nothing more is started");
            }
            start.run();
        }
    }

    private void startServices(Path logs, Duration readyTimeout) {
        for (Service service : Service.values()) {
            launch(() -> {
                if (service.database() != null) {
                    postgres.createDatabaseIfMissing(service.database());
                }
                if (service == Service.PROGRESS) {
                    // Migrations run as the superuser; the write path and the relay get roles of their own.
                    postgres.ensureLoginRole(PROGRESS_APP_ROLE, PROGRESS_APP_ROLE, false);
                    postgres.ensureLoginRole(PROGRESS_RELAY_ROLE, PROGRESS_RELAY_ROLE, true);
                }
                ServiceProcess process = new ServiceProcess(service, jar(service), options.ports().get(service),
                        options.managementPorts().get(service), environment(service),
                        logs.resolve(service.module() + ".log"), watchDir, stackMark(), JvmOptions.service(service, logs));
                services.put(service, process);
                process.start();
            });
        }
        for (ServiceProcess process : services.values()) {
            process.awaitReady(readyTimeout);
        }
    }

    /**
     * On every child JVM's command line: tells which stack (data directory) a process belongs to, in {@code ps}
     * and in the tests that check nothing outlives the launcher.
     */
    String stackMark() {
        return "-Dstack.data-dir=" + options.dataDir().toAbsolutePath();
    }

    private Map<String, String> environment(Service service) {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(options.ports().get(service)));
        env.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(options.managementPorts().get(service)));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        // Plain HTTP on loopback: a Secure cookie (the packaged notifier's default) would not be sent back.
        env.put("NOTIFIER_SESSION_SECURE", "auto");
        // As deployed: the authority's keys everywhere; the subscriber key, which progress-service signs
        // browser tokens with, trusted by notifier-service alone.
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", (service == Service.NOTIFIER
                ? keys.notifierPublicKeysFile() : keys.authorityPublicKeysFile()).toString());
        if (service == Service.PROGRESS) {
            env.put("PROGRESS_SECURITY_SIGNING_KEY_LOCATION", keys.subscriberSigningKeyFile().toString());
        }
        if (service == Service.NOTIFIER) {
            // The read model is loaded from progress-service on start, not replayed from the topic. Progress is
            // started first, and a notifier that cannot reach it in time replays the topic instead. The token
            // goes in the environment, never on a command line, where every local user's ps would show it.
            env.put("NOTIFIER_SOURCE_URL", "http://127.0.0.1:" + options.ports().get(Service.PROGRESS));
            env.put("NOTIFIER_SOURCE_TOKEN", issue("notifier-service", Scopes.OPERATOR, ProjectPatterns.any(),
                    NOTIFIER_SOURCE_TOKEN_TTL));
        }
        if (service.database() != null) {
            env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(service.database()));
            env.put("QUARKUS_DATASOURCE_USERNAME", postgres.username());
            env.put("QUARKUS_DATASOURCE_PASSWORD", postgres.password());
        }
        if (service == Service.PROGRESS) {
            env.put("QUARKUS_DATASOURCE_USERNAME", PROGRESS_APP_ROLE);
            env.put("QUARKUS_DATASOURCE_PASSWORD", PROGRESS_APP_ROLE);
            env.put("QUARKUS_FLYWAY_USERNAME", postgres.username());
            env.put("QUARKUS_FLYWAY_PASSWORD", postgres.password());
            env.put("PROGRESS_RELAY_USERNAME", PROGRESS_RELAY_ROLE);
            env.put("PROGRESS_RELAY_PASSWORD", PROGRESS_RELAY_ROLE);
        }
        env.putAll(options.environment());
        return env;
    }

    private void startDemo(Path logs) {
        Path jar = options.root().resolve("tooling/demo-worker/target/demo-worker-0.1.0-SNAPSHOT.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("demo-worker is not packaged (" + jar + "): run ./mvnw install -DskipTests");
        }
        ProcessBuilder builder = new ProcessBuilder(ParentWatch.command(watchDir, jar,
                List.of(stackMark(), "-Xmx96m", "-XX:+UseSerialGC"),
                List.of("--progress-url", service(Service.PROGRESS).url("").toString(),
                        "--projects", Integer.toString(options.demoProjects()))))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                        logs.resolve("demo-worker.log").toFile()));
        // In the environment, not on the command line, where every local user's ps would show it.
        builder.environment().put("PROGRESS_TOKEN", issue("demo-worker", Scopes.WRITE,
                ProjectPatterns.of(DEMO_PROJECTS), DEMO_WORKER_TOKEN_TTL));
        try {
            demo = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the demo worker", e);
        }
    }

    /**
     * A token signed as this stack's services expect it: subscriber tokens with the subscriber key (as
     * progress-service signs them), the others with the authority key; audiences from the scope.
     */
    public String issue(String subject, String scope, ProjectPatterns projects, Duration ttl) {
        SigningKey key = Scopes.SUBSCRIBE.equals(scope) ? keys.subscriberKey() : keys.authorityKey();
        return new TokenIssuer(TokenClaims.DEFAULT_ISSUER, key).issue(subject, List.of(scope), projects, ttl).token();
    }

    public DevKeys keys() {
        return keys;
    }

    public ServiceProcess service(Service service) {
        return services.get(service);
    }

    public EmbeddedKafkaServer kafka() {
        return kafka;
    }

    public EmbeddedPostgresServer postgres() {
        return postgres;
    }

    /** Every process this stack started, with its pid: for RSS measurements and for leak checks. */
    public Map<String, Long> pids() {
        Map<String, Long> pids = new HashMap<>();
        services.forEach((service, process) -> pids.put(service.module(), process.pid()));
        if (demo != null) {
            pids.put("demo-worker", demo.pid());
        }
        return pids;
    }

    public Path logs() {
        return options.dataDir().resolve("logs");
    }

    /**
     * Stops the worker, then the services (gracefully), then Kafka and PostgreSQL: whatever of them has been
     * started, also while {@link #startAll} is still running in another thread. Runs once; a second caller
     * waits (bounded) for the first, since a shutdown hook that returned early would let the JVM halt mid-stop.
     */
    @Override
    public void close() {
        Process worker;
        List<ServiceProcess> running;
        EmbeddedKafkaServer broker;
        EmbeddedPostgresServer database;
        synchronized (lifecycle) {
            boolean first = !closed;
            closed = true;
            worker = first ? demo : null;
            running = first ? new ArrayList<>(services.values()) : null;
            broker = first ? kafka : null;
            database = first ? postgres : null;
        }
        if (running == null) {
            awaitStopped();
            return;
        }
        if (worker != null) {
            worker.destroy();
            try {
                if (!worker.waitFor(10, TimeUnit.SECONDS)) {
                    worker.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                worker.destroyForcibly();
            }
        }
        try {
            running.parallelStream().forEach(ServiceProcess::stop);
        } finally {
            try {
                if (broker != null) {
                    broker.close();
                }
            } finally {
                try {
                    if (database != null) {
                        database.close();
                    }
                } finally {
                    stopped.countDown();
                }
            }
        }
    }

    private void awaitStopped() {
        try {
            // Longer than a full stop: worker 10 s, services 30 s, Kafka 40 s, PostgreSQL.
            stopped.await(3, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path jar(Service service) {
        return options.root().resolve(service.module()).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private static void checkPortsFree(Options options) {
        Map<String, Integer> wanted = new java.util.LinkedHashMap<>();
        wanted.put("PostgreSQL (--postgres-port)", options.postgresPort());
        wanted.put("Kafka (--kafka-port)", options.kafkaPort());
        options.ports().forEach((service, port) -> wanted.put(service.module() + " (--"
                + service.optionName() + "-port)", port));
        options.managementPorts().forEach((service, port) -> wanted.put(service.module() + "'s management interface (--"
                + service.optionName() + "-management-port)", port));
        for (Map.Entry<String, Integer> entry : wanted.entrySet()) {
            try (ServerSocket probe = new ServerSocket(entry.getValue(), 1, InetAddress.getLoopbackAddress())) {
                probe.setReuseAddress(true);
            } catch (IOException e) {
                throw new PortTakenException("port " + entry.getValue() + " for " + entry.getKey()
                        + " is already in use; stop what uses it or choose another port with that option");
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
