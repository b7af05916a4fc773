package io.stepprogress.notifier.measure;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepprogress.event.EventJson;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.infra.Infrastructure;
import io.stepprogress.infra.PostgresServer;
import io.stepprogress.security.DevKeys;
import io.stepprogress.testkit.Events;
import io.stepprogress.testkit.TestTokens;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * How long a packaged notifier takes to be ready with {@code measure.events} events (default 1,000,000, of
 * {@code measure.projects} projects, default 100,000) in its topic: replaying the topic (no source) and loading
 * from a real progress-service whose PostgreSQL holds those projects. Not part of the suite (the name does not
 * end in Test); run it on purpose, after packaging both services:
 * <pre>
 *   ./mvnw -q -pl progress-service,notifier-service -am package -DskipTests
 *   ./mvnw -q -pl notifier-service -am verify -Dsurefire.failIfNoSpecifiedTests=false -Dtest=ReadyTimeMeasurement
 * </pre>
 * Results go to standard output and notifier-service/target/ready-time.txt. Real PostgreSQL and Kafka (local-infra),
 * real progress-service and notifier processes; the projects are written to PostgreSQL in bulk SQL and the events
 * to Kafka with a plain producer, since driving a million changes through the API would take hours.
 */
class ReadyTimeMeasurement {

    private static final int EVENTS = Integer.getInteger("measure.events", 1_000_000);
    private static final int PROJECTS = Integer.getInteger("measure.projects", 100_000);
    private static final Duration REPLAY_BOUND = Duration.ofSeconds(Long.getLong("measure.replay-bound-s", 300));
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void readyTimeWithAMillionEventsInTheTopic() throws Exception {
        Infrastructure infra = Infrastructure.shared();
        PostgresServer postgres = infra.postgres();
        String database = "readytime" + UUID.randomUUID().toString().substring(0, 6);
        postgres.createDatabaseIfMissing(database);
        String topic = "ready-time-" + UUID.randomUUID().toString().substring(0, 8);
        String kafka = infra.kafka().bootstrapServers();
        DevKeys keys = DevKeys.temporary();
        List<String> report = new ArrayList<>();

        Process progress = startProgressService(postgres, database, kafka, keys);
        try {
            int progressPort = Integer.parseInt(System.getProperty("measure.progress-port"));
            awaitReady(Integer.parseInt(System.getProperty("measure.progress-management-port")), Duration.ofMinutes(3));
            long sqlStarted = System.nanoTime();
            fillDatabase(postgres, database);
            report.add(String.format("PostgreSQL: %,d projects written in %d ms", PROJECTS, millisSince(sqlStarted)));
            long produceStarted = System.nanoTime();
            publish(kafka, topic);
            report.add(String.format("Kafka: %,d events (%,d projects) published to %s in %d ms", EVENTS, PROJECTS,
                    topic, millisSince(produceStarted)));

            report.add("progress-service alone, 10,000 views in pages of 1,000: "
                    + listingMillis(progressPort) + " ms (first call, from this JVM)");
            Map<String, String> bootstrapEnv = notifierEnv(kafka, topic, keys);
            bootstrapEnv.put("NOTIFIER_SOURCE_URL", "http://127.0.0.1:" + progressPort);
            bootstrapEnv.put("NOTIFIER_SOURCE_TOKEN", TestTokens.operator());
            // First, so that no dying replay JVM competes with it for the CPU.
            String bootstrap = timeToReady(bootstrapEnv, Duration.ofSeconds(60));
            report.add("load from progress-service, tail:   " + bootstrap);
            Map<String, String> replayEnv = notifierEnv(kafka, topic, keys);
            report.add("replay from the topic (no source):   " + timeToReady(replayEnv, REPLAY_BOUND));
            report.forEach(System.out::println);
            Files.writeString(ROOT.resolve("notifier-service/target/ready-time.txt"), String.join("\n", report) + "\n");
            assertThat(bootstrap).startsWith("ready in");
            assertThat(Long.parseLong(bootstrap.replaceAll("ready in (\\d+) ms.*", "$1"))).isLessThanOrEqualTo(10_000);
        } finally {
            progress.destroy();
            progress.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static Process startProgressService(PostgresServer postgres, String database, String kafka, DevKeys keys)
            throws IOException {
        int port = freePort();
        int management = freePort();
        System.setProperty("measure.progress-port", String.valueOf(port));
        System.setProperty("measure.progress-management-port", String.valueOf(management));
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(management));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
        env.put("PROGRESS_RELAY_TOPIC", "ready-time-relay");
        env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(database));
        for (String user : List.of("QUARKUS_DATASOURCE", "QUARKUS_FLYWAY", "PROGRESS_RELAY")) {
            env.put(user + "_USERNAME", postgres.username());
            env.put(user + "_PASSWORD", postgres.password());
        }
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", keys.authorityPublicKeysFile().toString());
        env.put("PROGRESS_SECURITY_SIGNING_KEY_LOCATION", keys.subscriberSigningKeyFile().toString());
        return start("progress-service", env);
    }

    private static Map<String, String> notifierEnv(String kafka, String topic, DevKeys keys) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(freePort()));
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(freePort()));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
        env.put("MP_MESSAGING_INCOMING_PROJECT_PROGRESS_TOPIC", topic);
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", keys.notifierPublicKeysFile().toString());
        return env;
    }

    /** Starts a notifier, times it from process start to /q/health/ready 200, and stops it. */
    private static String timeToReady(Map<String, String> env, Duration bound) throws Exception {
        long started = System.nanoTime();
        Process notifier = start("notifier-service", env);
        try {
            boolean ready = awaitReady(Integer.parseInt(env.get("QUARKUS_MANAGEMENT_PORT")), bound);
            long millis = millisSince(started);
            return ready ? "ready in " + millis + " ms" : "NOT ready within " + bound.toSeconds() + " s";
        } finally {
            notifier.destroy();
            if (!notifier.waitFor(10, TimeUnit.SECONDS)) {
                notifier.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // a JVM out of heap may ignore SIGTERM
            }
        }
    }

    private static long listingMillis(int progressPort) throws Exception {
        long started = System.nanoTime();
        String after = null;
        String token = TestTokens.operator();
        for (int page = 0; page < 10; page++) {
            String uri = "http://127.0.0.1:" + progressPort + "/api/projects?limit=1000"
                    + (after == null ? "" : "&after=" + java.net.URLEncoder.encode(after, StandardCharsets.UTF_8));
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(uri))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            after = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).path("next").asText();
        }
        return millisSince(started);
    }

    private static Process start(String module, Map<String, String> env) throws IOException {
        Path jar = ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the module first");
        }
        Path log = ROOT.resolve("notifier-service/target/ready-time-" + module + ".log");
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env); // tokens in the environment, never on a command line
        return builder.start();
    }

    private static boolean awaitReady(int managementPort, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready");
        while (System.nanoTime() < deadline) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException notListeningYet) {
                // the process is starting
            }
            Thread.sleep(50); // polling interval of the measurement: its resolution, not a synchronisation
        }
        return false;
    }

    /** Every project at sequence 10 (the last of its 10 events), the most recent tenth still running. */
    private static void fillDatabase(PostgresServer postgres, String database) throws Exception {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(database), postgres.username(),
                postgres.password()); Statement sql = connection.createStatement()) {
            sql.execute("INSERT INTO initialization (project_id, status, sequence, started_at, updated_at, finished_at, run) "
                    + "SELECT 'rt-' || g, CASE WHEN g <= " + PROJECTS / 10 + " THEN 'RUNNING' ELSE 'COMPLETED' END, "
                    + EVENTS / PROJECTS + ", now() - g * interval '1 second' - interval '1 hour', now() - g * interval '1 second', "
                    + "CASE WHEN g <= " + PROJECTS / 10 + " THEN NULL ELSE now() - g * interval '1 second' END, 1 "
                    + "FROM generate_series(1, " + PROJECTS + ") g");
            sql.execute("INSERT INTO initialization_step (project_id, position, name, label, weight, status, progress, "
                    + "started_at, updated_at) SELECT 'rt-' || g, p, 's' || p, 'Step ' || p, 1, "
                    + "CASE WHEN g <= " + PROJECTS / 10 + " AND p = 3 THEN 'RUNNING' ELSE 'COMPLETED' END, "
                    + "CASE WHEN g <= " + PROJECTS / 10 + " AND p = 3 THEN 50 ELSE 100 END, "
                    + "now() - interval '1 hour', now() - g * interval '1 second' "
                    + "FROM generate_series(1, " + PROJECTS + ") g, generate_series(0, 3) p");
        }
    }

    /** EVENTS events, EVENTS / PROJECTS per project, keyed by project, as the relay publishes them. */
    private static void publish(String kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        int perProject = EVENTS / PROJECTS;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            for (int g = 1; g <= PROJECTS; g++) {
                Events.Run run = Events.plan("rt-" + g, "s0", "s1", "s2", "s3");
                List<StepProgressUpdated> events = new ArrayList<>(perProject);
                events.add(run.initialized());
                for (int i = 1; i < perProject; i++) {
                    events.add(run.progress("s" + (i % 4), Math.min(100, i * 10)));
                }
                for (StepProgressUpdated event : events) {
                    producer.send(new ProducerRecord<>(topic, event.projectId(),
                            EventJson.write(event).getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }
}
