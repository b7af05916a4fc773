package io.stepprogress.audit.outage;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.stepprogress.infra.EmbeddedPostgresServer;
import io.stepprogress.infra.InfrastructureTestResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A PostgreSQL of the test's own, which the test may stop and start again (same port, same data), so that
 * an outage disturbs no other test class: they share the JVM's one server. Kafka and the test keys are the
 * shared ones ({@link InfrastructureTestResource}); only the datasource points here.
 */
public class DedicatedPostgres implements QuarkusTestResourceLifecycleManager {

    private static final String DATABASE = "audit";

    private static Path directory;
    private static int port;
    private static EmbeddedPostgresServer server;

    @Override
    public Map<String, String> start() {
        InfrastructureTestResource shared = new InfrastructureTestResource();
        shared.init(Map.of(InfrastructureTestResource.DATABASE_ARG, DATABASE));
        Map<String, String> config = new HashMap<>(shared.start());
        try {
            directory = Files.createTempDirectory("audit-outage-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = EmbeddedPostgresServer.builder().dataDirectory(directory.resolve("data")).start();
        port = server.port();
        server.createDatabaseIfMissing(DATABASE);
        config.put("quarkus.datasource.jdbc.url", server.jdbcUrl(DATABASE));
        config.put("quarkus.datasource.username", server.username());
        config.put("quarkus.datasource.password", server.password());
        return config;
    }

    /** The outage begins: a fast shutdown, data kept. */
    public static synchronized void stopServer() {
        server.close();
        server = null;
    }

    /** The outage ends: the same data on the same port, as a restarted database host would come back. */
    public static synchronized void startServer() {
        server = EmbeddedPostgresServer.builder().port(port).dataDirectory(directory.resolve("data")).start();
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind is no reason to fail the build
            }
        }
    }
}
