package io.stepprogress.progress.initialization;

import io.agroal.api.AgroalDataSource;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.StepStatus;
import io.stepprogress.progress.jdbc.BoundStatement;
import io.stepprogress.progress.jdbc.IndexPlans;
import io.stepprogress.progress.jdbc.RoundTrip;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Plain JDBC over the JTA-enlisted datasource: every call joins the caller's transaction, and the SQL
 * the write path runs is exactly what is written here (the row locks, then one update per changed row).
 */
@ApplicationScoped
public class InitializationRepository {

    private static final String STEP_COLUMNS = "name, label, weight, status, progress, message, started_at, updated_at";

    private static final String UPDATE_INITIALIZATION = "UPDATE initialization SET status = ?, sequence = ?, "
            + "message = ?, reason = ?, started_at = ?, updated_at = ?, finished_at = ?, run = ? WHERE project_id = ?";

    private static final String UPDATE_STEP = "UPDATE initialization_step SET status = ?, progress = ?, message = ?, "
            + "started_at = ?, updated_at = ? WHERE project_id = ? AND name = ?";

    /** Locked in project order, so two transactions locking several projects cannot deadlock on them. */
    private static final String SELECT_INITIALIZATIONS = "SELECT project_id, status, sequence, message, reason, "
            + "started_at, updated_at, finished_at, run FROM initialization WHERE project_id = ANY (?) "
            + "ORDER BY project_id FOR UPDATE";

    private static final String SELECT_STEPS_OF = "SELECT project_id, " + STEP_COLUMNS
            + " FROM initialization_step WHERE project_id = ANY (?) ORDER BY project_id, position";

    private static final String SELECT_WITH_STEPS = "SELECT i.status, i.sequence, i.message, i.reason, i.started_at, "
            + "i.updated_at, i.finished_at, i.run, s.name, s.label, s.weight, s.status, s.progress, s.message, "
            + "s.started_at, s.updated_at FROM initialization i "
            + "LEFT JOIN initialization_step s ON s.project_id = i.project_id "
            + "WHERE i.project_id = ? ORDER BY s.position";

    private final AgroalDataSource dataSource;

    InitializationRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Loads and row-locks the initialization, so one project's changes (and sequences) are serialized. The
     * steps are read by a second statement once the lock is held: its fresh snapshot sees the last writer's
     * steps, which a join locking the initialization would not (it re-checks only the locked row). Both go in
     * one round trip ({@link RoundTrip}): the server binds the second statement, and so takes its snapshot, only
     * after the first has returned with the lock held.
     */
    public Optional<Initialization> lock(String projectId) {
        return Optional.ofNullable(lockAll(List.of(projectId)).get(projectId));
    }

    /**
     * {@link #lock} for several projects at once, in the same one round trip: the initializations found, by project
     * id (a project that does not exist is absent). The round trip starts with {@link IndexPlans}, for these
     * statements and the rest of the transaction.
     */
    public Map<String, Initialization> lockAll(Collection<String> projectIds) {
        BoundStatement.Binder byProjects = (statement, first) -> {
            statement.setArray(first, statement.getConnection().createArrayOf("varchar",
                    projectIds.stream().distinct().toArray()));
            return first + 1;
        };
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = RoundTrip.prepare(connection, Stream.concat(IndexPlans.STATEMENTS.stream(),
                     Stream.of(new BoundStatement(SELECT_INITIALIZATIONS, byProjects),
                             new BoundStatement(SELECT_STEPS_OF, byProjects))).toList())) {
            select.execute();
            for (int i = 0; i < IndexPlans.STATEMENTS.size(); i++) {
                select.getMoreResults(); // past the SETs' results
            }
            Map<String, Initialization> locked = new HashMap<>();
            try (ResultSet row = select.getResultSet()) {
                while (row.next()) {
                    String projectId = row.getString(1);
                    locked.put(projectId, new Initialization(projectId, row.getInt(9),
                            InitializationStatus.valueOf(row.getString(2)), row.getLong(3), row.getString(4),
                            row.getString(5), instant(row, 6), instant(row, 7), instant(row, 8), new ArrayList<>()));
                }
            }
            select.getMoreResults();
            try (ResultSet row = select.getResultSet()) {
                while (row.next()) {
                    Initialization initialization = locked.get(row.getString(1));
                    if (initialization != null) { // a project created after the lock: not in this batch's snapshot
                        initialization.steps().add(step(row, 2));
                    }
                }
            }
            return locked;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load initializations " + projectIds, e);
        }
    }

    /**
     * The initialization and its steps as one committed state. One statement is one snapshot: two autocommit
     * SELECTs could show a run's sequence from before an update and its steps from after it.
     */
    public Optional<Initialization> find(String projectId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(SELECT_WITH_STEPS)) {
            select.setString(1, projectId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                InitializationStatus status = InitializationStatus.valueOf(row.getString(1));
                long sequence = row.getLong(2);
                String message = row.getString(3);
                String reason = row.getString(4);
                Instant startedAt = instant(row, 5);
                Instant updatedAt = instant(row, 6);
                Instant finishedAt = instant(row, 7);
                int run = row.getInt(8);
                List<Step> steps = new ArrayList<>();
                do {
                    if (row.getString(9) != null) {
                        steps.add(step(row, 9));
                    }
                } while (row.next());
                return Optional.of(new Initialization(projectId, run, status, sequence, message, reason, startedAt,
                        updatedAt, finishedAt, steps));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load initialization " + projectId, e);
        }
    }

    /**
     * One page of current views, most recently updated first, in one statement (one snapshot): the page's
     * initializations joined with their steps. Keyset pagination on (updated_at, project_id). No index serves that
     * order (V7 dropped V4's, which made every progress update a non-HOT one): a page is a scan of the table with a
     * top-N sort, the same cost at the end of the list as at its start (about 40 ms at 100,000 projects).
     *
     * @param likePatterns SQL LIKE patterns the project id must match one of; null for every project
     * @param before       the last row of the previous page; null for the first page
     */
    public List<Initialization> page(Instant updatedSince, PageKey before, List<String> likePatterns, int limit) {
        StringBuilder where = new StringBuilder("WHERE TRUE");
        if (updatedSince != null) {
            where.append(" AND updated_at >= ?");
        }
        if (before != null) {
            where.append(" AND (updated_at, project_id) < (?, ?)");
        }
        if (likePatterns != null) {
            where.append(" AND project_id LIKE ANY (?)");
        }
        String sql = "WITH page AS (SELECT project_id, status, sequence, message, reason, started_at, updated_at, "
                + "finished_at, run FROM initialization " + where
                + " ORDER BY updated_at DESC, project_id DESC LIMIT ?) "
                + "SELECT p.status, p.sequence, p.message, p.reason, p.started_at, p.updated_at, p.finished_at, "
                + "p.run, s.name, s.label, s.weight, s.status, s.progress, s.message, s.started_at, s.updated_at, "
                + "p.project_id FROM page p LEFT JOIN initialization_step s ON s.project_id = p.project_id "
                + "ORDER BY p.updated_at DESC, p.project_id DESC, s.position";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            int index = 1;
            if (updatedSince != null) {
                setInstant(select, index++, updatedSince);
            }
            if (before != null) {
                setInstant(select, index++, before.updatedAt());
                select.setString(index++, before.projectId());
            }
            if (likePatterns != null) {
                select.setArray(index++, connection.createArrayOf("text", likePatterns.toArray()));
            }
            select.setInt(index, limit);
            List<Initialization> page = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                String current = null;
                while (row.next()) {
                    String projectId = row.getString(17);
                    if (!projectId.equals(current)) {
                        current = projectId;
                        page.add(new Initialization(projectId, row.getInt(8),
                                InitializationStatus.valueOf(row.getString(1)), row.getLong(2), row.getString(3),
                                row.getString(4), instant(row, 5), instant(row, 6), instant(row, 7), List.of()));
                    }
                    if (row.getString(9) != null) { // the aggregate's own list, filled in position order
                        page.get(page.size() - 1).steps().add(step(row, 9));
                    }
                }
            }
            return page;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list initializations", e);
        }
    }

    /** Where a page of {@link #page} ends: its last row's sort key. */
    public record PageKey(Instant updatedAt, String projectId) {
    }

    /** @return false when another transaction created the project first */
    public boolean insertIfAbsent(Initialization initialization) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO initialization (project_id, "
                     + "status, sequence, message, reason, started_at, updated_at, finished_at, run) "
                     + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id) DO NOTHING")) {
            insert.setString(1, initialization.projectId());
            bindInitialization(insert, initialization, 2);
            if (insert.executeUpdate() == 0) {
                return false;
            }
            insertSteps(connection, initialization);
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot insert initialization " + initialization.projectId(), e);
        }
    }

    public void replacePlan(Initialization initialization) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM initialization_step WHERE project_id = ?")) {
            updateInitialization(connection, initialization);
            delete.setString(1, initialization.projectId());
            delete.executeUpdate();
            insertSteps(connection, initialization);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot replace the plan of " + initialization.projectId(), e);
        }
    }

    /**
     * The statements that write each changed initialization's row and its changed steps' rows, each once, as they
     * are now: the caller sends them in one round trip with the events ({@code OutboxWriter#append}). All the
     * initializations first, then all the steps, so a batch's statements take few distinct shapes (each is a
     * prepared statement the driver and the server keep).
     *
     * @param changedSteps by initialization, the names of its steps that changed (possibly none)
     */
    public List<BoundStatement> updates(Map<Initialization, Set<String>> changedSteps) {
        List<BoundStatement> updates = new ArrayList<>();
        changedSteps.keySet().forEach(initialization ->
                updates.add(new BoundStatement(UPDATE_INITIALIZATION, (statement, first) -> {
                    int next = bindInitialization(statement, initialization, first);
                    statement.setString(next, initialization.projectId());
                    return next + 1;
                })));
        changedSteps.forEach((initialization, names) -> initialization.steps().stream()
                .filter(step -> names.contains(step.name))
                .forEach(step -> updates.add(new BoundStatement(UPDATE_STEP, (statement, first) -> {
                    statement.setString(first, step.status.name());
                    statement.setInt(first + 1, step.progress);
                    statement.setString(first + 2, step.message);
                    setInstant(statement, first + 3, step.startedAt);
                    setInstant(statement, first + 4, step.updatedAt);
                    statement.setString(first + 5, initialization.projectId());
                    statement.setString(first + 6, step.name);
                    return first + 7;
                }))));
        return updates;
    }

    /** A step from {@link #STEP_COLUMNS}, starting at column {@code first}. */
    private static Step step(ResultSet row, int first) throws SQLException {
        return new Step(row.getString(first), row.getString(first + 1), row.getInt(first + 2),
                StepStatus.valueOf(row.getString(first + 3)), row.getInt(first + 4), row.getString(first + 5),
                instant(row, first + 6), instant(row, first + 7));
    }

    private static void updateInitialization(Connection connection, Initialization initialization)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(UPDATE_INITIALIZATION)) {
            bindInitialization(update, initialization, 1);
            update.setString(9, initialization.projectId());
            update.executeUpdate();
        }
    }

    /** @return the index after the last parameter set */
    private static int bindInitialization(PreparedStatement statement, Initialization initialization, int first)
            throws SQLException {
        statement.setString(first, initialization.status().name());
        statement.setLong(first + 1, initialization.sequence());
        statement.setString(first + 2, initialization.message());
        statement.setString(first + 3, initialization.reason());
        setInstant(statement, first + 4, initialization.startedAt());
        setInstant(statement, first + 5, initialization.updatedAt());
        setInstant(statement, first + 6, initialization.finishedAt());
        statement.setInt(first + 7, initialization.run());
        return first + 8;
    }

    private static void insertSteps(Connection connection, Initialization initialization) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO initialization_step (project_id, "
                + "position, name, label, weight, status, progress, message, started_at, updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int position = 0;
            for (Step step : initialization.steps()) {
                insert.setString(1, initialization.projectId());
                insert.setInt(2, position++);
                insert.setString(3, step.name);
                insert.setString(4, step.label);
                insert.setInt(5, step.weight);
                insert.setString(6, step.status.name());
                insert.setInt(7, step.progress);
                insert.setString(8, step.message);
                setInstant(insert, 9, step.startedAt);
                setInstant(insert, 10, step.updatedAt);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, instant.atOffset(ZoneOffset.UTC));
        }
    }

    private static Instant instant(ResultSet row, int index) throws SQLException {
        OffsetDateTime value = row.getObject(index, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
