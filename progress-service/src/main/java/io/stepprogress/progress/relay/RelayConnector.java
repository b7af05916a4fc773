package io.stepprogress.progress.relay;

import io.debezium.connector.postgresql.PostgresConnector;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.connect.connector.Task;

/**
 * Debezium's PostgreSQL connector, with a task that waits for records instead of polling for them.
 * <p>
 * Debezium picks its PostgreSQL implementations (snapshot queries and locks, signal actions, validation) by loading
 * connector.class with its own class loader and comparing it with PostgresConnector itself: past the engine, which
 * needs this class's name to create it, the configuration names PostgresConnector, which is what runs.
 */
public class RelayConnector extends PostgresConnector {

    @Override
    public Class<? extends Task> taskClass() {
        return RelayConnectorTask.class;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return super.validate(asPostgresConnector(connectorConfigs));
    }

    /** What the task is started with (taskConfigs hands these properties on). */
    @Override
    public void start(Map<String, String> props) {
        super.start(asPostgresConnector(props));
    }

    static Map<String, String> asPostgresConnector(Map<String, String> props) {
        Map<String, String> copy = new HashMap<>(props);
        copy.put("connector.class", PostgresConnector.class.getName());
        return copy;
    }
}
