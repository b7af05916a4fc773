package io.stepprogress.infra;

import io.stepprogress.security.DevKeys;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} at the {@link Infrastructure#shared() shared} PostgreSQL and Kafka, instead
 * of Dev Services (which need Docker; disable them in the test profile), and at this JVM's test key pairs.
 * <p>
 * Optional init argument {@value #DATABASE_ARG} (default {@value #DEFAULT_DATABASE}): the database to create
 * and connect to. The servers outlive the test class (they are shared); {@link #stop()} leaves them running.
 * <pre>{@code
 * @QuarkusTestResource(value = InfrastructureTestResource.class,
 *         initArgs = @ResourceArg(name = "database", value = "progress"))
 * }</pre>
 */
public class InfrastructureTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE_ARG = "database";
    public static final String DEFAULT_DATABASE = "app";
    /** The JWK set of the authority key: what progress-service, audit-consumer and alert-consumer trust. */
    public static final String AUTHORITY_PUBLIC_KEYS = "step-progress.test.authority-public-keys";
    /** The authority's and the subscriber key's public halves: what notifier-service trusts. */
    public static final String NOTIFIER_PUBLIC_KEYS = "step-progress.test.notifier-public-keys";

    private String database = DEFAULT_DATABASE;

    @Override
    public void init(Map<String, String> initArgs) {
        String value = initArgs == null ? null : initArgs.get(DATABASE_ARG);
        database = value == null || value.isBlank() ? DEFAULT_DATABASE : value.trim();
    }

    @Override
    public Map<String, String> start() {
        Infrastructure infrastructure = Infrastructure.shared();
        PostgresServer postgres = infrastructure.postgres();
        postgres.createDatabaseIfMissing(database);
        DevKeys keys = DevKeys.temporary();
        return Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(database),
                "quarkus.datasource.username", postgres.username(),
                "quarkus.datasource.password", postgres.password(),
                "kafka.bootstrap.servers", infrastructure.kafka().bootstrapServers(),
                // The tests' key pairs (DevKeys.temporary(), which TestTokens signs with). Services trust
                // different sets, and what this map returns overrides every service's own configuration, so
                // it names the files and each service picks its set: rest-security's
                // META-INF/microprofile-config.properties the authority's, notifier's application.properties
                // the union with the subscriber key.
                AUTHORITY_PUBLIC_KEYS, keys.authorityPublicKeysFile().toString(),
                NOTIFIER_PUBLIC_KEYS, keys.notifierPublicKeysFile().toString(),
                "progress.security.signing-key-location", keys.subscriberSigningKeyFile().toString());
    }

    @Override
    public void stop() {
        // Shared across test classes: the shutdown hook of Infrastructure.shared() stops the servers.
    }
}
