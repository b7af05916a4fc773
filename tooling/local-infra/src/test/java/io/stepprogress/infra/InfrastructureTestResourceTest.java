package io.stepprogress.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepprogress.security.DevKeys;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;

class InfrastructureTestResourceTest {

    @Test
    void pointsQuarkusAtTheSharedServersAndCreatesTheDatabase() throws Exception {
        InfrastructureTestResource resource = new InfrastructureTestResource();
        resource.init(Map.of("database", "resource_test"));

        Map<String, String> config = resource.start();

        Infrastructure shared = Infrastructure.shared();
        // No mp.jwt.verify.publickey.location: it would override every service's choice of trusted keys.
        assertThat(config).containsOnlyKeys("quarkus.datasource.jdbc.url", "quarkus.datasource.username",
                "quarkus.datasource.password", "kafka.bootstrap.servers",
                InfrastructureTestResource.AUTHORITY_PUBLIC_KEYS, InfrastructureTestResource.NOTIFIER_PUBLIC_KEYS,
                "progress.security.signing-key-location");
        // The keys TestTokens signs with: progress-service signs subscriber tokens with the subscriber key,
        // which only notifier's set holds.
        DevKeys keys = DevKeys.temporary();
        assertThat(config)
                .containsEntry(InfrastructureTestResource.AUTHORITY_PUBLIC_KEYS, keys.authorityPublicKeysFile().toString())
                .containsEntry(InfrastructureTestResource.NOTIFIER_PUBLIC_KEYS, keys.notifierPublicKeysFile().toString())
                .containsEntry("progress.security.signing-key-location", keys.subscriberSigningKeyFile().toString());
        assertThat(Files.readString(keys.authorityPublicKeysFile())).contains(keys.authorityKey().keyId())
                .doesNotContain(keys.subscriberKey().keyId()).doesNotContain("\"d\"");
        assertThat(Files.readString(keys.notifierPublicKeysFile())).contains(keys.authorityKey().keyId())
                .contains(keys.subscriberKey().keyId()).doesNotContain("\"d\"");
        assertThat(config).containsEntry("quarkus.datasource.jdbc.url", shared.postgres().jdbcUrl("resource_test"))
                .containsEntry("kafka.bootstrap.servers", shared.kafka().bootstrapServers());
        try (Connection connection = Databases.connect(config.get("quarkus.datasource.jdbc.url"),
                config.get("quarkus.datasource.username"), config.get("quarkus.datasource.password"))) {
            assertThat(connection.getCatalog()).isEqualTo("resource_test");
        }
        resource.stop(); // leaves the shared servers running
        try (Connection again = Databases.connect(shared.postgres().jdbcUrl("resource_test"),
                shared.postgres().username(), shared.postgres().password())) {
            assertThat(again.isValid(1)).isTrue();
        }
    }

    @Test
    void givesTheDatasourceAndTheRelayRolesOfTheirOwnAndMigratesAsTheSuperuser() throws Exception {
        InfrastructureTestResource resource = new InfrastructureTestResource();
        resource.init(Map.of("database", "roles_test", "app-role", "roles_test_app", "relay-role", "roles_test_relay"));

        Map<String, String> config = resource.start();
        // Started twice, as by two test profiles: the roles exist already and that is fine.
        assertThat(resource.start()).isEqualTo(config);

        PostgresServer postgres = Infrastructure.shared().postgres();
        assertThat(config).containsEntry("quarkus.datasource.username", "roles_test_app")
                .containsEntry("progress.relay.username", "roles_test_relay")
                .containsEntry("quarkus.flyway.username", postgres.username())
                .containsEntry("quarkus.flyway.password", postgres.password());
        assertThat(replication(config, "quarkus.datasource")).isFalse();
        assertThat(replication(config, "progress.relay")).isTrue();
    }

    /** Logs in as the configured user and asks whether it has REPLICATION. */
    private static boolean replication(Map<String, String> config, String prefix) throws Exception {
        try (Connection connection = Databases.connect(config.get("quarkus.datasource.jdbc.url"),
                config.get(prefix + ".username"), config.get(prefix + ".password"));
             Statement sql = connection.createStatement();
             ResultSet row = sql.executeQuery("SELECT current_user, rolreplication, rolsuper FROM pg_roles "
                     + "WHERE rolname = current_user")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).isEqualTo(config.get(prefix + ".username"));
            assertThat(row.getBoolean(3)).as("superuser").isFalse();
            return row.getBoolean(2);
        }
    }
}
