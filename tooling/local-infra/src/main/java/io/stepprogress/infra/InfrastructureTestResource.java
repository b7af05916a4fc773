package io.stepprogress.infra;

import io.stepprogress.security.DevKeys;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} at the {@link Infrastructure#shared() shared} PostgreSQL and Kafka, instead
 * of Dev Services (which need Docker; disable them in the test profile), and at this JVM's test key pairs.
 * <p>
 * Optional init argument {@value #DATABASE_ARG} (default {@value #DEFAULT_DATABASE}): the database to create
 * and connect to. The servers outlive the test class (they are shared); {@link #stop()} leaves them running.
 * <p>
 * Without role arguments the datasource logs in as the superuser. With {@value #APP_ROLE_ARG} it logs in as
 * that role (created without {@code REPLICATION}; the password is the role's name) and Flyway migrates as the
 * superuser ({@code quarkus.flyway.username}), so the migrations' grants are all the datasource may do. With
 * {@value #RELAY_ROLE_ARG} a role with {@code REPLICATION} goes to {@code progress.relay.username}.
 * <pre>{@code
 * @QuarkusTestResource(value = InfrastructureTestResource.class, initArgs = {
 *         @ResourceArg(name = "database", value = "progress"),
 *         @ResourceArg(name = "app-role", value = "progress_app"),
 *         @ResourceArg(name = "relay-role", value = "progress_relay")})
 * }</pre>
 */
public class InfrastructureTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE_ARG = "database";
    public static final String DEFAULT_DATABASE = "app";
    /** The JWK set of the authority key: what progress-service, audit-consumer and alert-consumer trust. */
    public static final String AUTHORITY_PUBLIC_KEYS = "step-progress.test.authority-public-keys";
    /** The authority's and the subscriber key's public halves: what notifier-service trusts. */
    public static final String NOTIFIER_PUBLIC_KEYS = "step-progress.test.notifier-public-keys";
    public static final String APP_ROLE_ARG = "app-role";
    public static final String RELAY_ROLE_ARG = "relay-role";

    private String database = DEFAULT_DATABASE;
    private String appRole;
    private String relayRole;

    @Override
    public void init(Map<String, String> initArgs) {
        String value = initArgs == null ? null : initArgs.get(DATABASE_ARG);
        database = value == null || value.isBlank() ? DEFAULT_DATABASE : value.trim();
        appRole = arg(initArgs, APP_ROLE_ARG);
        relayRole = arg(initArgs, RELAY_ROLE_ARG);
    }

    @Override
    public Map<String, String> start() {
        Infrastructure infrastructure = Infrastructure.shared();
        PostgresServer postgres = infrastructure.postgres();
        postgres.createDatabaseIfMissing(database);
        DevKeys keys = DevKeys.temporary();
        Map<String, String> config = new HashMap<>(databaseLogins(postgres));
        config.putAll(Map.of(
                "kafka.bootstrap.servers", infrastructure.kafka().bootstrapServers(),
                // The tests' key pairs (DevKeys.temporary(), which TestTokens signs with). Services trust
                // different sets, and what this map returns overrides every service's own configuration, so
                // it names the files and each service picks its set: rest-security's
                // META-INF/microprofile-config.properties the authority's, notifier's application.properties
                // the union with the subscriber key.
                AUTHORITY_PUBLIC_KEYS, keys.authorityPublicKeysFile().toString(),
                NOTIFIER_PUBLIC_KEYS, keys.notifierPublicKeysFile().toString(),
                "progress.security.signing-key-location", keys.subscriberSigningKeyFile().toString()));
        return config;
    }

    private Map<String, String> databaseLogins(PostgresServer postgres) {
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database));
        if (appRole == null) {
            config.put("quarkus.datasource.username", postgres.username());
            config.put("quarkus.datasource.password", postgres.password());
        } else {
            postgres.ensureLoginRole(appRole, appRole, false);
            config.put("quarkus.datasource.username", appRole);
            config.put("quarkus.datasource.password", appRole);
            config.put("quarkus.flyway.username", postgres.username());
            config.put("quarkus.flyway.password", postgres.password());
        }
        if (relayRole != null) {
            postgres.ensureLoginRole(relayRole, relayRole, true);
            config.put("progress.relay.username", relayRole);
            config.put("progress.relay.password", relayRole);
        }
        return config;
    }

    private static String arg(Map<String, String> initArgs, String name) {
        String value = initArgs == null ? null : initArgs.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Override
    public void stop() {
        // Shared across test classes: the shutdown hook of Infrastructure.shared() stops the servers.
    }
}
