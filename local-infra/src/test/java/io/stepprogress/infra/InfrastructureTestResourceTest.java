package io.stepprogress.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepprogress.security.DevKeys;
import java.nio.file.Files;
import java.sql.Connection;
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
}
