package io.stepprogress.progress.initialization;

import io.agroal.api.AgroalDataSource;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.StepStatus;
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
import java.util.List;
import java.util.Optional;

/**
 * Plain JDBC over the JTA-enlisted datasource: every call joins the caller's transaction, and the SQL
 * the write path runs is exactly what is written here (one row lock, one or two updates).
 */
@ApplicationScoped
public class InitializationRepository {

    private static final String SELECT_INITIALIZATION = "SELECT status, sequence, message, reason, started_at, "
            + "updated_at, finished_at, run FROM initialization WHERE project_id = ?";

    private static final String STEP_COLUMNS = "name, label, weight, status, progress, message, started_at, updated_at";

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
     * steps, which a join locking the initialization would not (it re-checks only the locked row).
     */
    public Optional<Initialization> lock(String projectId) {
        return loadLocked(projectId);
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
     * initializations joined with their steps. Keyset pagination on (updated_at, project_id), which the
     * index of V4 serves, so a page costs the same at the end of the list as at its start.
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

    /** Writes the initialization row and, when a step changed, that step's row. */
    public void update(Initialization initialization, String changedStep) {
        try (Connection connection = dataSource.getConnection()) {
            updateInitialization(connection, initialization);
            if (changedStep != null) {
                Step step = initialization.steps().stream().filter(s -> s.name.equals(changedStep)).findFirst()
                        .orElseThrow();
                try (PreparedStatement update = connection.prepareStatement("UPDATE initialization_step SET "
                        + "status = ?, progress = ?, message = ?, started_at = ?, updated_at = ? "
                        + "WHERE project_id = ? AND name = ?")) {
                    update.setString(1, step.status.name());
                    update.setInt(2, step.progress);
                    update.setString(3, step.message);
                    setInstant(update, 4, step.startedAt);
                    setInstant(update, 5, step.updatedAt);
                    update.setString(6, initialization.projectId());
                    update.setString(7, step.name);
                    update.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update initialization " + initialization.projectId(), e);
        }
    }

    private Optional<Initialization> loadLocked(String projectId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(SELECT_INITIALIZATION + " FOR UPDATE")) {
            select.setString(1, projectId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Initialization(projectId, row.getInt(8),
                        InitializationStatus.valueOf(row.getString(1)), row.getLong(2), row.getString(3),
                        row.getString(4), instant(row, 5), instant(row, 6), instant(row, 7),
                        loadSteps(connection, projectId)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load initialization " + projectId, e);
        }
    }

    private static List<Step> loadSteps(Connection connection, String projectId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + STEP_COLUMNS
                + " FROM initialization_step WHERE project_id = ? ORDER BY position")) {
            select.setString(1, projectId);
            try (ResultSet row = select.executeQuery()) {
                List<Step> steps = new ArrayList<>();
                while (row.next()) {
                    steps.add(step(row, 1));
                }
                return steps;
            }
        }
    }

    /** A step from {@link #STEP_COLUMNS}, starting at column {@code first}. */
    private static Step step(ResultSet row, int first) throws SQLException {
        return new Step(row.getString(first), row.getString(first + 1), row.getInt(first + 2),
                StepStatus.valueOf(row.getString(first + 3)), row.getInt(first + 4), row.getString(first + 5),
                instant(row, first + 6), instant(row, first + 7));
    }

    private static void updateInitialization(Connection connection, Initialization initialization)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE initialization SET status = ?, "
                + "sequence = ?, message = ?, reason = ?, started_at = ?, updated_at = ?, finished_at = ?, run = ? "
                + "WHERE project_id = ?")) {
            bindInitialization(update, initialization, 1);
            update.setString(9, initialization.projectId());
            update.executeUpdate();
        }
    }

    private static void bindInitialization(PreparedStatement statement, Initialization initialization, int first)
            throws SQLException {
        statement.setString(first, initialization.status().name());
        statement.setLong(first + 1, initialization.sequence());
        statement.setString(first + 2, initialization.message());
        statement.setString(first + 3, initialization.reason());
        setInstant(statement, first + 4, initialization.startedAt());
        setInstant(statement, first + 5, initialization.updatedAt());
        setInstant(statement, first + 6, initialization.finishedAt());
        statement.setInt(first + 7, initialization.run());
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
