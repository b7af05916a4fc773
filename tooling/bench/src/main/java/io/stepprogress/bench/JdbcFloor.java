package io.stepprogress.bench;

import io.stepprogress.event.ChangeKind;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The floor: progress-service's write transaction for one step update, by plain JDBC, against the same
 * PostgreSQL, on scratch copies of its tables ({@code CREATE TABLE bench_... (LIKE ... INCLUDING ALL)}: not
 * in the relay's publication, so Debezium relays nothing). Per update, as InitializationRepository,
 * InitializationService and OutboxWriter do it, in three round trips: lock and read the initialization row and
 * read its steps; update the initialization row, update the step row, insert the event (its JSON built as the
 * service builds it) into the outbox and delete it again (if progress-service's replication slot is valid);
 * commit. N writers, each on its own connection and its own projects, back to back.
 */
public final class JdbcFloor implements AutoCloseable {

    static final String[] TABLES = {"bench_outbox_event", "bench_initialization_step", "bench_initialization"};
    private static final List<String[]> PLAN = List.of(
            new String[] {"clone", "Clone repository", "2"},
            new String[] {"provision-database", "Provision database", "3"},
            new String[] {"install-dependencies", "Install dependencies", "4"},
            new String[] {"deploy-preview", "Deploy preview", "1"});

    /** The row lock and the steps, read after it by a second statement, in one round trip. */
    private static final String LOCK_AND_READ = "SELECT status, sequence, message, reason, started_at, updated_at, "
            + "finished_at, run FROM bench_initialization WHERE project_id = ? FOR UPDATE;\n"
            + "SELECT name, label, weight, status, progress, message, started_at, updated_at "
            + "FROM bench_initialization_step WHERE project_id = ? ORDER BY position";
    /**
     * The state changes, the outbox insert and the delete (last, with its slot check, planned without sequential
     * scans as OutboxWriter plans it), in one round trip.
     */
    private static final String WRITE = "UPDATE bench_initialization SET status = ?, sequence = ?, message = ?, "
            + "reason = ?, started_at = ?, updated_at = ?, finished_at = ?, run = ? WHERE project_id = ?;\n"
            + "UPDATE bench_initialization_step SET status = ?, progress = ?, message = ?, started_at = ?, "
            + "updated_at = ? WHERE project_id = ? AND name = ?;\n"
            + "INSERT INTO bench_outbox_event (id, aggregatetype, aggregateid, type, payload, occurred_at, traceparent) "
            + "VALUES (?, ?, ?, ?, ?::jsonb, ?, ?);\n"
            + "SET LOCAL enable_seqscan = off;\n"
            + "DELETE FROM bench_outbox_event WHERE id = ? AND EXISTS (SELECT 1 FROM pg_replication_slots "
            + "WHERE slot_name = ? AND database = current_database() AND confirmed_flush_lsn IS NOT NULL "
            + "AND coalesce(wal_status, '') <> 'lost')";
    /** WRITE's results, one per statement: the delete's update count is the last. */
    private static final int WRITE_STATEMENTS = WRITE.split(";\n").length;
    /** progress-service's replication slot (its default {@code progress.relay.slot-name}). */
    private static final String SLOT = "progress_outbox";

    private final String url;
    private final Properties credentials = new Properties();
    private final String prefix;
    private final int projects;

    public JdbcFloor(String url, String user, String password, String prefix, int projects) {
        this.url = url;
        this.credentials.setProperty("user", user);
        this.credentials.setProperty("password", password);
        this.prefix = prefix;
        this.projects = projects;
    }

    /** Creates the scratch tables afresh and one initialization (the default plan's shape) per project. */
    public void setUp() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, credentials); Statement s = c.createStatement()) {
            dropTables(s);
            s.execute("CREATE TABLE bench_initialization (LIKE initialization INCLUDING ALL)");
            s.execute("CREATE TABLE bench_initialization_step (LIKE initialization_step INCLUDING ALL)");
            s.execute("CREATE TABLE bench_outbox_event (LIKE outbox_event INCLUDING ALL)");
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            try (PreparedStatement init = c.prepareStatement("INSERT INTO bench_initialization (project_id, status, "
                    + "sequence, started_at, updated_at) VALUES (?, 'RUNNING', 1, ?, ?)");
                 PreparedStatement step = c.prepareStatement("INSERT INTO bench_initialization_step (project_id, "
                         + "position, name, label, weight, status, progress) VALUES (?, ?, ?, ?, ?, 'PENDING', 0)")) {
                for (int p = 0; p < projects; p++) {
                    init.setString(1, project(p));
                    init.setObject(2, now.atOffset(ZoneOffset.UTC));
                    init.setObject(3, now.atOffset(ZoneOffset.UTC));
                    init.addBatch();
                    for (int k = 0; k < PLAN.size(); k++) {
                        step.setString(1, project(p));
                        step.setInt(2, k);
                        step.setString(3, PLAN.get(k)[0]);
                        step.setString(4, PLAN.get(k)[1]);
                        step.setInt(5, Integer.parseInt(PLAN.get(k)[2]));
                        step.addBatch();
                    }
                }
                init.executeBatch();
                step.executeBatch();
            }
        }
    }

    private String project(int p) {
        return prefix + "-floor-" + p;
    }

    /** The measurements of one floor run. */
    public static final class Stats {
        final Latency latency;
        final LongAdder committed = new LongAdder();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

        Stats(Latency latency) {
            this.latency = latency;
        }

        public Map<String, Long> errors() {
            Map<String, Long> copy = new TreeMap<>();
            errors.forEach((k, v) -> copy.put(k, v.sum()));
            return copy;
        }
    }

    /** {@code writers} threads, back to back, until {@code endNanos}; transactions begun after measureFrom count. */
    public void run(int writers, long measureFromNanos, long endNanos, Stats stats) throws SQLException {
        if (writers > projects) {
            throw new IllegalArgumentException("need at least as many projects as writers");
        }
        List<Thread> threads = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int w = 0; w < writers; w++) {
                Connection c = DriverManager.getConnection(url, credentials);
                c.setAutoCommit(false);
                connections.add(c);
                int worker = w;
                threads.add(new Thread(() -> write(c, worker, writers, measureFromNanos, endNanos, stats),
                        "bench-floor-" + w));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    private void write(Connection c, int worker, int writers, long measureFromNanos, long endNanos, Stats stats) {
        List<Integer> mine = new ArrayList<>();
        for (int p = worker; p < projects; p += writers) {
            mine.add(p);
        }
        long[] updates = new long[mine.size()];
        int next = 0;
        long start;
        while ((start = System.nanoTime()) < endNanos) {
            int k = next++ % mine.size();
            String projectId = project(mine.get(k));
            try {
                update(c, projectId, updates[k]++);
                c.commit();
                long done = System.nanoTime();
                if (start >= measureFromNanos) {
                    stats.committed.increment();
                    stats.latency.record(done - start, done);
                }
            } catch (SQLException | RuntimeException e) {
                stats.errors.computeIfAbsent(e.getClass().getSimpleName() + ": " + e.getMessage(),
                        key -> new LongAdder()).increment();
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the next transaction reports it again
                }
            }
        }
    }

    /**
     * One step update, statement for statement and round trip for round trip as progress-service runs it
     * (InitializationRepository.lock, then OutboxWriter.append with the state changes), then the commit.
     */
    private static void update(Connection c, String projectId, long n) throws SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        long sequence;
        String status;
        Instant startedAt;
        int run;
        List<StepView> steps = new ArrayList<>();
        try (PreparedStatement lock = c.prepareStatement(LOCK_AND_READ)) {
            lock.setString(1, projectId);
            lock.setString(2, projectId);
            lock.execute();
            try (ResultSet row = lock.getResultSet()) {
                if (!row.next()) {
                    throw new IllegalStateException("no scratch initialization " + projectId);
                }
                status = row.getString(1);
                sequence = row.getLong(2);
                startedAt = row.getObject(5, java.time.OffsetDateTime.class).toInstant();
                run = row.getInt(8);
            }
            lock.getMoreResults();
            try (ResultSet row = lock.getResultSet()) {
                while (row.next()) {
                    java.time.OffsetDateTime stepStarted = row.getObject(7, java.time.OffsetDateTime.class);
                    java.time.OffsetDateTime stepUpdated = row.getObject(8, java.time.OffsetDateTime.class);
                    steps.add(new StepView(row.getString(1), row.getString(2), row.getInt(3),
                            StepStatus.valueOf(row.getString(4)), row.getInt(5), row.getString(6),
                            stepStarted == null ? null : stepStarted.toInstant(),
                            stepUpdated == null ? null : stepUpdated.toInstant()));
                }
            }
        }
        List<String> names = steps.stream().map(StepView::name).toList();
        BenchProjects.Update update = BenchProjects.update(n, names);
        int changed = names.indexOf(update.step());
        StepView before = steps.get(changed);
        StepView after = new StepView(before.name(), before.label(), before.weight(), StepStatus.RUNNING,
                update.progress(), update.message(), before.startedAt() == null ? now : before.startedAt(), now);
        steps.set(changed, after);
        long nextSequence = sequence + 1;
        double total = 0;
        double weights = 0;
        for (StepView s : steps) {
            total += s.weight() * (double) s.progress();
            weights += s.weight();
        }
        InitializationView view = new InitializationView(projectId, InitializationStatus.valueOf(status),
                Math.round(total / weights * 10) / 10.0, update.message(), after.name(), nextSequence, startedAt, now,
                null, null, steps);
        StepProgressUpdated event = StepProgressUpdated.of(UUID.randomUUID(), now, ChangeKind.PROGRESSED, after, view);
        try (PreparedStatement write = c.prepareStatement(WRITE)) {
            write.setString(1, status);
            write.setLong(2, nextSequence);
            write.setString(3, update.message());
            write.setNull(4, Types.VARCHAR);
            write.setObject(5, startedAt.atOffset(ZoneOffset.UTC));
            write.setObject(6, now.atOffset(ZoneOffset.UTC));
            write.setNull(7, Types.TIMESTAMP_WITH_TIMEZONE);
            write.setInt(8, run);
            write.setString(9, projectId);
            write.setString(10, after.status().name());
            write.setInt(11, after.progress());
            write.setString(12, after.message());
            write.setObject(13, after.startedAt().atOffset(ZoneOffset.UTC));
            write.setObject(14, now.atOffset(ZoneOffset.UTC));
            write.setString(15, projectId);
            write.setString(16, after.name());
            write.setObject(17, event.eventId());
            write.setString(18, "project");
            write.setString(19, projectId);
            write.setString(20, event.type());
            write.setString(21, EventJson.write(event));
            write.setObject(22, now.atOffset(ZoneOffset.UTC));
            write.setNull(23, Types.VARCHAR);
            write.setObject(24, event.eventId());
            write.setString(25, SLOT);
            write.execute();
            int deleted = 0;
            for (int i = 0; i < WRITE_STATEMENTS; i++) {
                deleted = write.getUpdateCount();
                write.getMoreResults();
            }
            if (deleted != 1) {
                throw new IllegalStateException("no valid replication slot " + SLOT + ": the service would refuse");
            }
        }
    }

    /** Drops the scratch tables. */
    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, credentials); Statement s = c.createStatement()) {
            dropTables(s);
        }
    }

    private static void dropTables(Statement s) throws SQLException {
        for (String table : TABLES) {
            s.execute("DROP TABLE IF EXISTS " + table);
        }
    }
}
