package io.stepprogress.progress.relay;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Properties;
import java.util.regex.Matcher;
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
    private static final Pattern JDBC_URL = Pattern.compile("jdbc:postgresql://([^:/?]+)(?::(\\d+))?/([^?]+).*");

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

    public Properties build() {
        Matcher url = JDBC_URL.matcher(jdbcUrl);
        if (!url.matches()) {
            throw new IllegalArgumentException("quarkus.datasource.jdbc.url is not a jdbc:postgresql://host[:port]/db "
                    + "URL: " + jdbcUrl);
        }
        Properties props = new Properties();
        props.setProperty("name", "progress-outbox-relay");
        props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        props.setProperty("topic.prefix", TOPIC_PREFIX);

        props.setProperty("database.hostname", url.group(1));
        props.setProperty("database.port", url.group(2) == null ? "5432" : url.group(2));
        props.setProperty("database.dbname", url.group(3));
        props.setProperty("database.user", username);
        props.setProperty("database.password", password);

        props.setProperty("plugin.name", "pgoutput");
        props.setProperty("slot.name", config.slotName());
        props.setProperty("publication.name", config.publicationName());
        // CREATE/ALTER PUBLICATION needs table ownership, which the relay's user has not: V1 creates it.
        props.setProperty("publication.autocreate.mode", "disabled");
        props.setProperty("table.include.list", "public.outbox_event,public.relay_heartbeat");
        props.setProperty("snapshot.mode", "no_data");
        props.setProperty("tombstones.on.delete", "false");
        props.setProperty("poll.interval.ms", Long.toString(config.pollInterval().toMillis()));
        props.setProperty("max.batch.size", Integer.toString(config.maxBatchSize()));
        props.setProperty("max.queue.size", Integer.toString(config.maxBatchSize() * 4));

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
                "type:header:eventType,occurred_at:header:occurredAt");
        props.setProperty("transforms.outbox.table.expand.json.payload", "false");

        config.debezium().forEach(props::setProperty);
        return props;
    }
}
