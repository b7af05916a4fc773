package io.stepprogress.infra;

/**
 * A running PostgreSQL server with logical decoding enabled ({@code wal_level=logical}), so that change
 * data capture (Debezium, pgoutput) works against it exactly as against production.
 * <p>
 * Deliberately small: tests and the local stack need only where to connect, as whom, a database of
 * their own, and roles for services that log in with less than a superuser's rights. Implementations:
 * {@link EmbeddedPostgresServer} (no Docker) and {@link ContainerPostgresServer}.
 */
public interface PostgresServer extends AutoCloseable {

    /** JDBC URL of {@code database} on this server (the database must exist, see {@link #createDatabaseIfMissing}). */
    String jdbcUrl(String database);

    /** A superuser: it may create databases, publications and replication slots. */
    String username();

    String password();

    /** Creates the database unless it exists; safe to call concurrently and repeatedly. */
    void createDatabaseIfMissing(String name);

    /**
     * A role that may log in, never a superuser; created unless it exists, its password and {@code REPLICATION}
     * attribute set either way. Roles are cluster-wide: what it may do in a database is granted there (by the
     * schema's migrations).
     */
    void ensureLoginRole(String name, String password, boolean replication);

    /** Stops the server; temporary data is deleted, a given data directory is kept. */
    @Override
    void close();
}
