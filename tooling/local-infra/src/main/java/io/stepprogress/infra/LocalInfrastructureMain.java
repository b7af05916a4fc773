package io.stepprogress.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * PostgreSQL (logical decoding on) and a Kafka broker on fixed loopback ports with kept data, as a process
 * of their own: the infrastructure half of the local stack, and what benchmarks run against.
 * <pre>
 * java -cp ... io.stepprogress.infra.LocalInfrastructureMain --data-dir target/local \
 *     --postgres-port 5432 --kafka-port 9092 --database progress --database audit
 * </pre>
 * Prints one line {@code INFRA-READY postgres=<jdbc url base> kafka=<bootstrap>} and runs until SIGTERM or SIGINT.
 */
public final class LocalInfrastructureMain {

    private LocalInfrastructureMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of("target/local-infra");
        int postgresPort = 5432;
        int kafkaPort = 9092;
        List<String> databases = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(required(args[i], value));
                case "--postgres-port" -> postgresPort = Integer.parseInt(required(args[i], value));
                case "--kafka-port" -> kafkaPort = Integer.parseInt(required(args[i], value));
                case "--database" -> databases.add(required(args[i], value));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --data-dir --postgres-port --kafka-port --database)");
            }
            i++;
        }
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.builder().port(postgresPort)
                .dataDirectory(dataDir.resolve("postgres").toAbsolutePath()).start();
        EmbeddedKafkaServer kafka;
        try {
            kafka = EmbeddedKafkaServer.builder().port(kafkaPort)
                    .dataDirectory(dataDir.resolve("kafka").toAbsolutePath()).start();
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
        databases.forEach(postgres::createDatabaseIfMissing);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                kafka.close();
            } finally {
                postgres.close();
                stopped.countDown();
            }
        }, "local-infrastructure-stop"));
        System.out.println("INFRA-READY postgres=jdbc:postgresql://127.0.0.1:" + postgres.port() + "/ kafka="
                + kafka.bootstrapServers());
        stopped.await();
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
