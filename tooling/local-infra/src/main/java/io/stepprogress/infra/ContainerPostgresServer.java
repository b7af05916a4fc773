package io.stepprogress.infra;

import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL in a Docker container (Testcontainers), configured like {@link EmbeddedPostgresServer}:
 * logical decoding on. Use it where a Docker engine is available and the real image is preferred.
 */
public final class ContainerPostgresServer implements PostgresServer {

    public static final String DEFAULT_IMAGE = "postgres:17";

    private final PostgreSQLContainer container;

    private ContainerPostgresServer(PostgreSQLContainer container) {
        this.container = container;
    }

    public static ContainerPostgresServer startNew() {
        return startNew(DEFAULT_IMAGE);
    }

    public static ContainerPostgresServer startNew(String image) {
        PostgreSQLContainer container = new PostgreSQLContainer(
                DockerImageName.parse(image).asCompatibleSubstituteFor(PostgreSQLContainer.IMAGE))
                .withCommand("postgres",
                        "-c", "wal_level=logical",
                        "-c", "max_replication_slots=10",
                        "-c", "max_wal_senders=10",
                        "-c", "synchronous_commit=on",
                        "-c", "fsync=off");
        container.start();
        return new ContainerPostgresServer(container);
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + container.getHost() + ":"
                + container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT) + "/" + database;
    }

    /** The image's superuser ({@code POSTGRES_USER}). */
    @Override
    public String username() {
        return container.getUsername();
    }

    @Override
    public String password() {
        return container.getPassword();
    }

    @Override
    public void createDatabaseIfMissing(String name) {
        Databases.createIfMissing(this, name);
    }

    @Override
    public void ensureLoginRole(String name, String password, boolean replication) {
        Databases.ensureLoginRole(this, name, password, replication);
    }

    @Override
    public void close() {
        container.stop();
    }

    @Override
    public String toString() {
        return "ContainerPostgresServer[" + container.getDockerImageName() + "]";
    }
}
