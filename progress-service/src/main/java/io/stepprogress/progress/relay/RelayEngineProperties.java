package io.stepprogress.progress.relay;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The Debezium engine's configuration: the datasource's database, streamed and its offsets kept as the relay's
 * own user ({@link RelayConfig#username()}), and the rest from {@link RelayConfig}.
 */
@ApplicationScoped
public class RelayEngineProperties {

    /** Debezium names topics {prefix}.{schema}.{table}; the router applies to the outbox table's only. */
    static final String TOPIC_PREFIX = "progress";
    /**
     * The outbox's traceparent column becomes this header of the routed record (not Debezium's own tracing, whose
     * span context column is a serialized java.util.Properties and whose spans end before anything is published).
     */
    static final String TRACEPARENT_HEADER = "traceparent";
    /** pgjdbc's SSL parameters, which Debezium takes under the same names as its own database.* settings. */
    static final Set<String> SSL_PARAMETERS = Set.of("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword");
    private static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca",
            "verify-full");
    /** pgjdbc's property naming the class that makes its sockets. */
    static final String SOCKET_FACTORY = "socketFactory";
    /** The write path's login, if the URL carries one, must never become the relay's. */
    private static final Set<String> NOT_PASSED = Set.of("user", "password", "replication", "ssl");

    private final RelayConfig config;
    private final String jdbcUrl;
    private final String username;
    private final String password;

    RelayEngineProperties(RelayConfig config,
                          @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl) {
        this.config = config;
        this.jdbcUrl = jdbcUrl;
        this.username = config.username();
        this.password = config.password().orElse("");
    }

    /** @throws IllegalArgumentException for a URL the relay cannot stream from, naming the setting */
    public Properties build() {
        PostgresJdbcUrl url = PostgresJdbcUrl.parse(jdbcUrl);
        Properties props = new Properties();
        props.setProperty("name", "progress-outbox-relay");
        // Debezium's PostgreSQL connector whose task waits for records instead of polling (RelayConnectorTask).
        props.setProperty("connector.class", RelayConnector.class.getName());
        props.setProperty("topic.prefix", TOPIC_PREFIX);

        props.setProperty("database.hostname", url.host());
        props.setProperty("database.port", Integer.toString(url.port()));
        props.setProperty("database.dbname", url.database());
        props.setProperty("database.user", username);
        props.setProperty("database.password", password);
        connectionParameters(url.parameters()).forEach(props::setProperty);
        // A socket factory of the URL's own (a proxy, a cloud connector) is kept; the reader's probe then waits 1 ms.
        props.putIfAbsent("driver." + SOCKET_FACTORY, ProbeWaitingSocketFactory.class.getName());
        props.setProperty("driver." + ProbeWaitingSocketFactory.PROBE_WAIT_PROPERTY,
                Long.toString(Math.max(1, config.pollInterval().toMillis())));
        props.setProperty("driver." + ProbeWaitingSocketFactory.QUIET_PROBE_WAIT_PROPERTY,
                Long.toString(Math.max(1, config.quietReadWait().toMillis())));

        props.setProperty("plugin.name", "pgoutput");
        props.setProperty("slot.name", config.slotName());
        props.setProperty("publication.name", config.publicationName());
        // CREATE/ALTER PUBLICATION needs table ownership, which the relay's user has not: V1 creates it.
        props.setProperty("publication.autocreate.mode", "disabled");
        props.setProperty("table.include.list", "public.outbox_event,public.relay_heartbeat");
        // The slot is created by ReplicationSlot before writes are served, so streaming from it loses nothing.
        props.setProperty("snapshot.mode", "no_data");
        // Normally the stored offset is ahead of the slot and is used as before; after the slot was recreated the
        // slot is ahead and is trusted, instead of failing every start on a position the server no longer has.
        props.setProperty("offset.mismatch.strategy", "trust_greater_lsn");
        props.setProperty("tombstones.on.delete", "false");
        // Now only the replication reader's pause when the stream is quiet, and how long its probe for a message waits
        // (ProbeWaitingSocketFactory): the task no longer polls the queue.
        props.setProperty("poll.interval.ms", Long.toString(config.pollInterval().toMillis()));
        // The task's queue wakes it when a record arrives; it drains Debezium's queue one record per Debezium poll,
        // which returns at once with a batch of 1, and hands over up to maxBatchSize records together.
        props.setProperty("queue.provider.type", WakingQueueProvider.NAME);
        props.setProperty(RelayQueues.KEY_PROPERTY, UUID.randomUUID().toString());
        props.setProperty("max.batch.size", "1");
        props.setProperty(RelayQueues.MAX_BATCH_PROPERTY, Integer.toString(config.maxBatchSize()));
        props.setProperty("max.queue.size", Integer.toString(Math.max(config.maxQueueSize(), 2)));

        props.setProperty("heartbeat.interval.ms", Long.toString(config.heartbeatInterval().toMillis()));
        props.setProperty("heartbeat.action.query", "INSERT INTO relay_heartbeat (id, beat_at) VALUES (1, now()) "
                + "ON CONFLICT (id) DO UPDATE SET beat_at = EXCLUDED.beat_at");

        props.setProperty("offset.storage", JdbcOffsetBackingStore.class.getName());
        props.setProperty(JdbcOffsetBackingStore.URL, jdbcUrl);
        props.setProperty(JdbcOffsetBackingStore.USER, username);
        props.setProperty(JdbcOffsetBackingStore.PASSWORD, password);
        props.setProperty("offset.flush.interval.ms", Long.toString(config.offsetFlushInterval().toMillis()));

        props.setProperty("predicates", "isOutbox");
        props.setProperty("predicates.isOutbox.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
        props.setProperty("predicates.isOutbox.pattern", Pattern.quote(TOPIC_PREFIX + ".public.outbox_event"));
        props.setProperty("transforms", "outbox");
        props.setProperty("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
        props.setProperty("transforms.outbox.predicate", "isOutbox");
        props.setProperty("transforms.outbox.table.field.event.key", "aggregateid");
        // A literal topic, so ${routedByValue} never meets MicroProfile Config's own ${} expansion.
        props.setProperty("transforms.outbox.route.topic.replacement", config.topic());
        props.setProperty("transforms.outbox.table.fields.additional.placement",
                "type:header:eventType,occurred_at:header:occurredAt,traceparent:header:" + TRACEPARENT_HEADER);
        props.setProperty("transforms.outbox.table.expand.json.payload", "false");

        config.debezium().forEach(props::setProperty);
        return props;
    }

    /**
     * SSL parameters become Debezium's database.ssl* settings; any other driver parameter is passed through
     * (Debezium hands driver.* to pgjdbc). pgjdbc's {@code ssl=true} without a mode means verify-full.
     */
    static Map<String, String> connectionParameters(Map<String, String> parameters) {
        Map<String, String> props = new java.util.LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            if (SSL_PARAMETERS.contains(name)) {
                props.put("database." + name, value);
            } else if (!NOT_PASSED.contains(name)) {
                props.put("driver." + name, value);
            }
        });
        String ssl = parameters.get("ssl");
        if (!parameters.containsKey("sslmode") && ssl != null) {
            props.put("database.sslmode", Boolean.parseBoolean(ssl) || ssl.isEmpty() ? "verify-full" : "disable");
        }
        String mode = props.get("database.sslmode");
        if (mode != null && !SSL_MODES.contains(mode.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(PostgresJdbcUrl.SETTING + " has sslmode=" + mode + "; expected one of "
                    + new java.util.TreeSet<>(SSL_MODES));
        }
        return props;
    }
}
