package io.stepprogress.progress.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The JDBC URL the write path uses, turned into what Debezium needs; nothing the URL says may be dropped. */
class RelayEnginePropertiesTest {

    private static Properties build(String url) {
        return new RelayEngineProperties(TestRelayConfig.with(Map.of()), url).build();
    }

    @Test
    void aPlainUrlGivesHostPortAndDatabase() {
        Properties props = build("jdbc:postgresql://db.internal:6432/progress");
        assertThat(props).containsEntry("database.hostname", "db.internal").containsEntry("database.port", "6432")
                .containsEntry("database.dbname", "progress").containsEntry("database.user", "progress_relay")
                .containsEntry("database.password", "secret");
        assertThat(build("jdbc:postgresql://db/progress")).containsEntry("database.port", "5432");
    }

    @Test
    void theEngineRunsTheRelaysWakingTaskAndQueueWithItsOwnBatchLimit() {
        Properties props = new RelayEngineProperties(TestRelayConfig.with(Map.of("progress.relay.max-batch-size", "500")),
                "jdbc:postgresql://db/progress").build();
        assertThat(props).containsEntry("connector.class", RelayConnector.class.getName())
                .containsEntry("queue.provider.type", WakingQueueProvider.NAME)
                // Debezium's poll returns at once with one record; the task gathers its own batch.
                .containsEntry("max.batch.size", "1")
                .containsEntry(RelayQueues.MAX_BATCH_PROPERTY, "500")
                .containsKey(RelayQueues.KEY_PROPERTY);
        assertThat(build("jdbc:postgresql://db/progress").getProperty(RelayQueues.KEY_PROPERTY))
                .as("each engine its own queue").isNotEqualTo(props.getProperty(RelayQueues.KEY_PROPERTY));
    }

    @Test
    void theReadersProbeWaitsAPollIntervalUnlessTheUrlBringsItsOwnSocketFactory() {
        Properties props = new RelayEngineProperties(TestRelayConfig.with(Map.of("progress.relay.poll-interval", "7ms",
                "progress.relay.quiet-read-wait", "90ms")), "jdbc:postgresql://db/progress").build();
        assertThat(props).containsEntry("driver.socketFactory", ProbeWaitingSocketFactory.class.getName())
                .containsEntry("driver." + ProbeWaitingSocketFactory.PROBE_WAIT_PROPERTY, "7")
                .containsEntry("driver." + ProbeWaitingSocketFactory.QUIET_PROBE_WAIT_PROPERTY, "90");
        assertThat(build("jdbc:postgresql://db/progress?socketFactory=com.example.Tunnel"))
                .containsEntry("driver.socketFactory", "com.example.Tunnel");
    }

    @Test
    void sslParametersReachDebezium() {
        Properties props = build("jdbc:postgresql://db:5432/progress?sslmode=verify-full&sslrootcert=/etc/pg/root.crt"
                + "&sslcert=/etc/pg/client.crt&sslkey=/etc/pg/client.pk8&sslpassword=p%26ss&ApplicationName=progress");
        assertThat(props).containsEntry("database.dbname", "progress")
                .containsEntry("database.sslmode", "verify-full")
                .containsEntry("database.sslrootcert", "/etc/pg/root.crt")
                .containsEntry("database.sslcert", "/etc/pg/client.crt")
                .containsEntry("database.sslkey", "/etc/pg/client.pk8")
                .containsEntry("database.sslpassword", "p&ss")
                // Other driver parameters go through Debezium's pass-through prefix.
                .containsEntry("driver.ApplicationName", "progress");
    }

    @Test
    void sslTrueWithoutAModeMeansVerifyFullAsInPgjdbc() {
        assertThat(build("jdbc:postgresql://db/progress?ssl=true")).containsEntry("database.sslmode", "verify-full");
        assertThat(build("jdbc:postgresql://db/progress?ssl")).containsEntry("database.sslmode", "verify-full");
        assertThat(build("jdbc:postgresql://db/progress?ssl=true&sslmode=require"))
                .containsEntry("database.sslmode", "require");
    }

    @Test
    void theWritePathsLoginInTheUrlNeverBecomesTheRelays() {
        Properties props = build("jdbc:postgresql://db/progress?user=progress_app&password=app");
        assertThat(props).containsEntry("database.user", "progress_relay").containsEntry("database.password", "secret")
                .doesNotContainKeys("driver.user", "driver.password");
    }

    @Test
    void anIpv6HostKeepsItsBracketsForTheUrlDebeziumBuilds() {
        assertThat(build("jdbc:postgresql://[::1]:5433/progress")).containsEntry("database.hostname", "[::1]")
                .containsEntry("database.port", "5433");
        assertThat(build("jdbc:postgresql://[fe80::1%25eth0]/progress"))
                .containsEntry("database.hostname", "[fe80::1%25eth0]").containsEntry("database.port", "5432");
    }

    @Test
    void severalHostsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> build("jdbc:postgresql://db1:5432,db2:5432/progress?targetServerType=primary"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quarkus.datasource.jdbc.url").hasMessageContaining("several hosts");
    }

    @Test
    void malformedUrlsAreRefusedWithoutEchoingParameters() {
        assertThatThrownBy(() -> build("jdbc:mysql://db/progress")).hasMessageContaining("quarkus.datasource.jdbc.url");
        assertThatThrownBy(() -> build("jdbc:postgresql://db:port/progress")).hasMessageContaining("port");
        assertThatThrownBy(() -> build("jdbc:postgresql://db:5432/")).hasMessageContaining("no database");
        assertThatThrownBy(() -> build("jdbc:postgresql://::1/progress")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> build("jdbc:postgresql://db/progress?sslmode=sometimes&password=hunter2"))
                .hasMessageContaining("sslmode=sometimes").hasMessageNotContaining("hunter2");
    }

    @Test
    void theParserKeepsDecodedParametersInOrder() {
        PostgresJdbcUrl url = PostgresJdbcUrl.parse("jdbc:postgresql://h:1/d%20b?b=2&a=x%3Dy");
        assertThat(url.host()).isEqualTo("h");
        assertThat(url.port()).isEqualTo(1);
        assertThat(url.database()).isEqualTo("d b");
        assertThat(url.parameters()).containsExactly(Map.entry("b", "2"), Map.entry("a", "x=y"));
    }
}
