package io.stepprogress.progress.relay;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * What the relay still owes: WAL bytes between the server's current position and what the relay's slot
 * confirmed. Outbox rows are deleted in their own transaction, so this, not a row count, is the backlog.
 * Probed on a timer, never on the write path.
 */
@ApplicationScoped
public class SlotLagProbe {

    private static final Logger LOG = Logger.getLogger(SlotLagProbe.class);

    private final AgroalDataSource dataSource;
    private final RelayConfig config;
    private final AtomicLong pendingBytes = new AtomicLong(-1);

    SlotLagProbe(AgroalDataSource dataSource, RelayConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.config = config;
        Gauge.builder("progress.outbox.pending", pendingBytes, AtomicLong::get).baseUnit("bytes")
                .description("WAL not yet confirmed by the outbox relay's replication slot (-1: no slot yet)")
                .register(registry);
    }

    public long pendingBytes() {
        return pendingBytes.get();
    }

    @Scheduled(every = "${progress.relay.lag-probe-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void probe() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), "
                     + "confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
            select.setString(1, config.slotName());
            try (ResultSet row = select.executeQuery()) {
                pendingBytes.set(row.next() ? row.getLong(1) : -1);
            }
        } catch (SQLException e) {
            LOG.debugf("slot lag probe failed: %s", e.getMessage());
        }
    }
}
