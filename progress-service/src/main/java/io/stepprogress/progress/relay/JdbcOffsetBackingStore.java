package io.stepprogress.progress.relay;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * Debezium's offsets in the service's own PostgreSQL ({@code relay_offset}): durable across crashes, no
 * volume to mount, and no dependency on Kafka being up for the relay to start or to record progress.
 * Debezium instantiates it by class name, so it reads its connection from the engine properties.
 */
public class JdbcOffsetBackingStore extends MemoryOffsetBackingStore {

    public static final String URL = "offset.storage.jdbc.url";
    public static final String USER = "offset.storage.jdbc.user";
    public static final String PASSWORD = "offset.storage.jdbc.password";

    private String url;
    private String user;
    private String password;

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Map<String, String> originals = config.originalsStrings();
        url = originals.get(URL);
        user = originals.get(USER);
        password = originals.get(PASSWORD);
        if (url == null) {
            throw new ConnectException(URL + " is required");
        }
    }

    @Override
    public synchronized void start() {
        super.start();
        try (Connection connection = connect();
             PreparedStatement select = connection.prepareStatement("SELECT offset_key, offset_value FROM relay_offset");
             ResultSet rows = select.executeQuery()) {
            Map<ByteBuffer, ByteBuffer> loaded = new HashMap<>();
            while (rows.next()) {
                byte[] value = rows.getBytes(2);
                loaded.put(ByteBuffer.wrap(rows.getBytes(1)), value == null ? null : ByteBuffer.wrap(value));
            }
            data.putAll(loaded);
        } catch (SQLException e) {
            throw new ConnectException("cannot read relay offsets", e);
        }
    }

    @Override
    protected void save() {
        try (Connection connection = connect();
             PreparedStatement upsert = connection.prepareStatement("INSERT INTO relay_offset (offset_key, "
                     + "offset_value) VALUES (?, ?) ON CONFLICT (offset_key) DO UPDATE SET offset_value = "
                     + "EXCLUDED.offset_value")) {
            for (Map.Entry<ByteBuffer, ByteBuffer> entry : data.entrySet()) {
                upsert.setBytes(1, bytes(entry.getKey()));
                upsert.setBytes(2, entry.getValue() == null ? null : bytes(entry.getValue()));
                upsert.addBatch();
            }
            upsert.executeBatch();
        } catch (SQLException e) {
            throw new ConnectException("cannot store relay offsets", e);
        }
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
