package io.stepprogress.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared infrastructure is real: logical decoding works, and Kafka survives a broker restart. */
class EmbeddedInfrastructureTest {

    private static Infrastructure infrastructure;

    @BeforeAll
    static void startInfrastructure() {
        long started = System.nanoTime();
        infrastructure = Infrastructure.shared();
        System.out.printf("Shared infrastructure (%s) ready in %d ms%n", infrastructure.mode(), millisSince(started));
        assertThat(Infrastructure.shared()).as("one per JVM").isSameAs(infrastructure);
    }

    @Test
    void sharedIsOnePerJvmEvenWhenLoadedByAnotherClassLoader() throws Exception {
        // As under Quarkus, which loads test dependencies with a class loader per application.
        URL[] classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> {
                    try {
                        return Paths.get(entry).toUri().toURL();
                    } catch (MalformedURLException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toArray(URL[]::new);
        try (URLClassLoader isolated = new URLClassLoader(classpath, ClassLoader.getPlatformClassLoader())) {
            Class<?> otherInfrastructure = isolated.loadClass(Infrastructure.class.getName());
            assertThat(otherInfrastructure).isNotSameAs(Infrastructure.class);

            Object other = otherInfrastructure.getMethod("shared").invoke(null);
            Object otherPostgres = otherInfrastructure.getMethod("postgres").invoke(other);
            Object otherKafka = otherInfrastructure.getMethod("kafka").invoke(other);
            assertThat(isolated.loadClass(PostgresServer.class.getName()).getMethod("jdbcUrl", String.class)
                    .invoke(otherPostgres, "app"))
                    .isEqualTo(infrastructure.postgres().jdbcUrl("app"));
            assertThat(isolated.loadClass(KafkaServer.class.getName()).getMethod("bootstrapServers")
                    .invoke(otherKafka))
                    .isEqualTo(infrastructure.kafka().bootstrapServers());
        }
    }

    @Test
    void postgresDecodesChangesWithPgoutput() throws SQLException {
        PostgresServer postgres = infrastructure.postgres();
        postgres.createDatabaseIfMissing("infra_test");
        postgres.createDatabaseIfMissing("infra_test"); // idempotent

        try (Connection connection = Databases.connect(postgres.jdbcUrl("infra_test"), postgres.username(), postgres.password());
             Statement sql = connection.createStatement()) {
            assertThat(single(sql, "SHOW wal_level")).isEqualTo("logical");
            assertThat(single(sql, "SHOW synchronous_commit")).isEqualTo("on");

            sql.execute("CREATE TABLE IF NOT EXISTS item (id bigserial PRIMARY KEY, name text NOT NULL)");
            sql.execute("DROP PUBLICATION IF EXISTS infra_test_pub");
            sql.execute("CREATE PUBLICATION infra_test_pub FOR TABLE item");
            sql.execute("SELECT pg_create_logical_replication_slot('infra_test_slot', 'pgoutput')");
            try {
                String name = "hello-" + UUID.randomUUID();
                sql.execute("INSERT INTO item (name) VALUES ('" + name + "')");

                List<String> messages = new ArrayList<>();
                try (ResultSet changes = sql.executeQuery("SELECT data FROM pg_logical_slot_peek_binary_changes("
                        + "'infra_test_slot', NULL, NULL, 'proto_version', '1', 'publication_names', 'infra_test_pub')")) {
                    while (changes.next()) {
                        messages.add(new String(changes.getBytes(1), StandardCharsets.ISO_8859_1));
                    }
                }
                // pgoutput: Begin, Relation, Insert (carrying the new row as text), Commit.
                assertThat(messages).extracting(message -> message.charAt(0)).containsSubsequence('B', 'R', 'I', 'C');
                assertThat(messages).anySatisfy(message -> assertThat(message).startsWith("I").contains(name));
            } finally {
                sql.execute("SELECT pg_drop_replication_slot('infra_test_slot')");
                sql.execute("DROP PUBLICATION infra_test_pub");
            }
        }
    }

    @Test
    void kafkaRoundTripsAndComesBackAtTheSameAddressAfterAStop() throws Exception {
        KafkaServer kafka = infrastructure.kafka();
        String bootstrap = kafka.bootstrapServers();
        String topic = "infra-test-" + UUID.randomUUID();

        produce(bootstrap, topic, "before");
        assertThat(consumeUntilSeen(bootstrap, topic, "before")).contains("before");
        assertThat(kafka.restartable()).isTrue();

        long stopping = System.nanoTime();
        kafka.stop();
        System.out.printf("Kafka stopped in %d ms%n", millisSince(stopping));

        try (KafkaProducer<String, String> producer = producer(bootstrap, 1_500)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "down")).get(10, TimeUnit.SECONDS))
                    .as("a send while the broker is down fails within max.block.ms")
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }

        long starting = System.nanoTime();
        kafka.start();
        System.out.printf("Kafka restarted in %d ms%n", millisSince(starting));
        assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);

        produce(bootstrap, topic, "after");
        assertThat(consumeUntilSeen(bootstrap, topic, "after"))
                .as("the record from before the stop is still there")
                .containsSubsequence("before", "after")
                .doesNotContain("down");
    }

    @Test
    void aPausedKafkaAnswersNothingUntilResumedThenServesWhatWasSentMeanwhile() throws Exception {
        KafkaServer kafka = infrastructure.kafka();
        String bootstrap = kafka.bootstrapServers();
        String topic = "infra-pause-" + UUID.randomUUID();
        produce(bootstrap, topic, "before");

        try (KafkaProducer<String, String> producer = producer(bootstrap, 30_000)) {
            producer.send(new ProducerRecord<>(topic, "key", "warm")).get(30, TimeUnit.SECONDS);
            kafka.pause();
            Future<RecordMetadata> sent;
            try {
                sent = producer.send(new ProducerRecord<>(topic, "key", "while paused"));
                assertThatThrownBy(() -> sent.get(2, TimeUnit.SECONDS))
                        .as("a paused broker acknowledges nothing")
                        .isInstanceOf(TimeoutException.class);
            } finally {
                kafka.resume();
            }
            assertThat(sent.get(30, TimeUnit.SECONDS).offset()).isPositive();
        }
        assertThat(consumeUntilSeen(bootstrap, topic, "while paused")).containsSubsequence("before", "warm",
                "while paused");
    }

    private static void produce(String bootstrap, String topic, String value) throws Exception {
        try (KafkaProducer<String, String> producer = producer(bootstrap, 30_000)) {
            producer.send(new ProducerRecord<>(topic, "key", value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap, int maxBlockMs) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(maxBlockMs, 10_000));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.min(maxBlockMs, 10_000) + 1_000);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** All values of the topic, read by a new consumer group from the start, once {@code expected} is among them. */
    private static List<String> consumeUntilSeen(String bootstrap, String topic, String expected) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "infra-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30))
                    .pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
                        return values.contains(expected);
                    });
        }
        return values;
    }

    private static String single(Statement sql, String query) throws SQLException {
        try (ResultSet row = sql.executeQuery(query)) {
            assertThat(row.next()).isTrue();
            return row.getString(1);
        }
    }

    private static long millisSince(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime).toMillis();
    }
}
