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
            + "updated_at, finished_at FROM initialization WHERE project_id = ?";

    private final AgroalDataSource dataSource;

    InitializationRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Loads and row-locks the initialization, so one project's changes (and sequences) are serialized. */
    public Optional<Initialization> lock(String projectId) {
        return load(projectId, SELECT_INITIALIZATION + " FOR UPDATE");
    }

    public Optional<Initialization> find(String projectId) {
        return load(projectId, SELECT_INITIALIZATION);
    }

    /** @return false when another transaction created the project first */
    public boolean insertIfAbsent(Initialization initialization) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO initialization (project_id, "
                     + "status, sequence, message, reason, started_at, updated_at, finished_at) "
                     + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id) DO NOTHING")) {
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

    private Optional<Initialization> load(String projectId, String selectInitialization) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(selectInitialization)) {
            select.setString(1, projectId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Initialization(projectId, InitializationStatus.valueOf(row.getString(1)),
                        row.getLong(2), row.getString(3), row.getString(4), instant(row, 5),
                        instant(row, 6), instant(row, 7),
                        loadSteps(connection, projectId)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load initialization " + projectId, e);
        }
    }

    private static List<Step> loadSteps(Connection connection, String projectId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT name, label, weight, status, progress, "
                + "message, started_at, updated_at FROM initialization_step WHERE project_id = ? ORDER BY position")) {
            select.setString(1, projectId);
            try (ResultSet row = select.executeQuery()) {
                List<Step> steps = new ArrayList<>();
                while (row.next()) {
                    steps.add(new Step(row.getString(1), row.getString(2), row.getInt(3),
                            StepStatus.valueOf(row.getString(4)), row.getInt(5), row.getString(6),
                            instant(row, 7), instant(row, 8)));
                }
                return steps;
            }
        }
    }

    private static void updateInitialization(Connection connection, Initialization initialization)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE initialization SET status = ?, "
                + "sequence = ?, message = ?, reason = ?, started_at = ?, updated_at = ?, finished_at = ? "
                + "WHERE project_id = ?")) {
            bindInitialization(update, initialization, 1);
            update.setString(8, initialization.projectId());
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
