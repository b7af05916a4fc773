package io.stepprogress.progress.relay;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The replication slot is what makes a committed outbox row reach Kafka: the row is deleted in its own
 * transaction, so only the WAL the slot retains can replay it. A write committed while no valid slot exists is
 * decoded by nobody, so this class makes sure one exists before writes are served ({@link #ensure()} from
 * {@link OutboxRelay}'s StartupEvent observer, which runs before the HTTP port opens), keeps a cheap state the write
 * path consults ({@link #status()}, refreshed every {@code progress.relay.slot-check-interval}), and recreates a
 * lost slot (as the relay's user: creating one needs REPLICATION).
 * <p>
 * The cached state alone would leave a window between a drop and the next refresh, so the outbox write also checks
 * the slot inside its own statement ({@link #VALID_SLOT_CONDITION}); what remains is the commit round trip of a
 * transaction in flight while the slot is dropped (see progress-service/README.md, "Replication slot").
 */
@ApplicationScoped
public class ReplicationSlot {

    private static final Logger LOG = Logger.getLogger(ReplicationSlot.class);

    /**
     * True while a slot of this name streams this database and is usable: not lost to WAL removal, and finished
     * creating (confirmed_flush_lsn is set only once the slot is consistent; a transaction that was running while
     * it was created is not decoded by it, and creation waits for such transactions, so they see NULL here).
     * pg_replication_slots reads shared memory: no table access, no lock a writer waits on.
     */
    public static final String VALID_SLOT_CONDITION = "EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ? "
            + "AND database = current_database() AND confirmed_flush_lsn IS NOT NULL "
            + "AND coalesce(wal_status, '') <> 'lost')";

    public enum Status {
        /** Not checked yet. */
        UNKNOWN,
        VALID,
        MISSING,
        /** Exists but cannot stream any more (its WAL was removed: wal_status lost). */
        INVALID,
        /** It could not be checked (PostgreSQL unreachable); writes fail on their own then. */
        UNCHECKED
    }

    /** @param detail for problems, health and logs: which slot and why */
    public record State(Status status, String detail) {
    }

    private final AgroalDataSource dataSource;
    private final RelayConfig config;
    private final String jdbcUrl;
    private final AtomicReference<State> state = new AtomicReference<>(new State(Status.UNKNOWN, "not checked yet"));
    private final Counter lost;
    private volatile String lastConfirmedLsn;
    /** Set once a loss was reported, until the slot is valid again: one report per loss, whoever recreates it. */
    private volatile boolean lossReported;

    ReplicationSlot(AgroalDataSource dataSource, RelayConfig config,
                    @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.config = config;
        this.jdbcUrl = jdbcUrl;
        this.lost = Counter.builder("progress.relay.slot.lost")
                .description("Times the relay's replication slot was found missing or invalid after it had streamed: "
                        + "events committed before that and not yet relayed are lost")
                .register(registry);
        Gauge.builder("progress.relay.slot.valid", state, s -> s.get().status() == Status.VALID ? 1 : 0)
                .description("1 while the outbox's replication slot exists and can stream; writes are refused otherwise")
                .register(registry);
    }

    public String name() {
        return config.slotName();
    }

    public State state() {
        return state.get();
    }

    /**
     * Throws the 503 the write path answers while the slot is known missing or invalid: no work for a write that
     * could not be relayed. Reads a field, nothing else.
     */
    public void requireWritable() {
        State current = state.get();
        if (current.status() == Status.MISSING || current.status() == Status.INVALID) {
            throw new RelayUnavailableException(current.detail());
        }
    }

    /** Called when the write's own statement found no valid slot: the next writes fail fast too. */
    public RelayUnavailableException refusedByStatement() {
        String detail = "relay unavailable: replication slot " + name() + " is missing or invalid";
        state.set(new State(Status.MISSING, detail));
        return new RelayUnavailableException(detail);
    }

    /**
     * Makes sure the slot exists and is valid, creating it (or dropping an invalid one and creating it again) as the
     * relay's user. Called before writes are served and before every start of the engine.
     *
     * @throws IllegalStateException when it cannot: the slot belongs to another database or plugin, or the relay's
     *                               user may not create it
     */
    public synchronized State ensure() {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, config.username(),
                config.password().orElse(""))) {
            Observed observed = observe(connection);
            if (observed.status == Status.VALID) {
                return record(observed);
            }
            if (observed.status == Status.MISSING && lastConfirmedLsn == null && hasStoredOffsets(connection)) {
                // Found missing at startup, yet the relay has streamed from this database before.
                reportLoss(observed, "unknown (before this start)");
            }
            record(observed);
            if (observed.status == Status.INVALID) {
                try (PreparedStatement drop = connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                    drop.setString(1, name());
                    drop.execute();
                }
            }
            String createdAt = create(connection);
            LOG.infof("created replication slot %s (pgoutput) at %s", name(), createdAt);
            return record(observe(connection));
        } catch (SQLException e) {
            String detail = "relay unavailable: replication slot " + name() + " is missing or invalid and cannot be "
                    + "created as " + config.username() + ": " + e.getMessage();
            State current = state.get();
            if (current.status() == Status.MISSING || current.status() == Status.INVALID) {
                state.set(new State(current.status(), detail));
            }
            throw new IllegalStateException(detail, e);
        }
    }

    /** The watcher: a read-only check, and a repair when the slot went missing or invalid. */
    @Scheduled(every = "${progress.relay.slot-check-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void watch() {
        Observed observed;
        try (Connection connection = dataSource.getConnection()) {
            observed = observe(connection);
        } catch (SQLException | RuntimeException e) {
            state.set(new State(Status.UNCHECKED, "replication slot " + name() + " could not be checked: "
                    + e.getMessage()));
            return;
        }
        record(observed);
        if (observed.status != Status.VALID) {
            LOG.warnf("replication slot %s: %s; writes are refused until it is created again", name(), observed.detail);
            try {
                ensure();
            } catch (RuntimeException e) {
                LOG.warnf("%s", e.getMessage());
            }
        }
    }

    /** For tests that run without a database. */
    void set(State next) {
        state.set(next);
    }

    private State record(Observed observed) {
        if (observed.status == Status.VALID) {
            lossReported = false;
        } else if (lastConfirmedLsn != null) {
            reportLoss(observed, lastConfirmedLsn);
        }
        if (observed.confirmedLsn != null && observed.status == Status.VALID) {
            lastConfirmedLsn = observed.confirmedLsn;
        }
        State next = new State(observed.status, observed.detail);
        state.set(next);
        return next;
    }

    private void reportLoss(Observed observed, String confirmed) {
        if (lossReported) {
            return;
        }
        lossReported = true;
        lost.increment();
        LOG.errorf("%s. Events committed after its last confirmed position (%s) and not relayed before the slot was "
                + "lost cannot be relayed: compare the topic with the initialization table. Writes are refused until "
                + "a valid slot exists again.", observed.detail, confirmed);
    }

    private record Observed(Status status, String detail, String confirmedLsn) {
    }

    private Observed observe(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT database, plugin, slot_type, wal_status, "
                + "confirmed_flush_lsn::text, current_database() FROM pg_replication_slots WHERE slot_name = ?")) {
            select.setString(1, name());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return new Observed(Status.MISSING, "relay unavailable: replication slot " + name() + " is missing",
                            null);
                }
                String database = row.getString(1);
                String plugin = row.getString(2);
                if (!"logical".equals(row.getString(3)) || !row.getString(6).equals(database)
                        || !"pgoutput".equals(plugin)) {
                    // Not ours to drop: another service's slot with the same name. Fail loudly, change nothing.
                    throw new IllegalStateException("replication slot " + name() + " exists for database " + database
                            + " with plugin " + plugin + ", not for " + row.getString(6)
                            + " with pgoutput: set progress.relay.slot-name to a name of its own");
                }
                String walStatus = row.getString(4);
                String confirmed = row.getString(5);
                if ("lost".equals(walStatus)) {
                    return new Observed(Status.INVALID, "relay unavailable: replication slot " + name()
                            + " is invalid (wal_status lost: the WAL it needed was removed)", confirmed);
                }
                if (confirmed == null) {
                    return new Observed(Status.MISSING, "relay unavailable: replication slot " + name()
                            + " is still being created", null);
                }
                return new Observed(Status.VALID, "replication slot " + name() + " is valid", confirmed);
            }
        }
    }

    private String create(Connection connection) throws SQLException {
        try (PreparedStatement create = connection.prepareStatement(
                "SELECT lsn::text FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
            create.setString(1, name());
            try (ResultSet row = create.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        } catch (SQLException e) {
            if ("42710".equals(e.getSQLState())) { // duplicate_object: created meanwhile by Debezium or an instance
                return "its current position (created concurrently)";
            }
            throw e;
        }
    }

    private static boolean hasStoredOffsets(Connection connection) {
        try (Statement sql = connection.createStatement();
             ResultSet row = sql.executeQuery("SELECT EXISTS (SELECT 1 FROM relay_offset)")) {
            return row.next() && row.getBoolean(1);
        } catch (SQLException e) {
            return true; // unknown: report a possible loss rather than hide one
        }
    }
}
