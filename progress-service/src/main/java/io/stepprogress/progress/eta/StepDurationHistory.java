package io.stepprogress.progress.eta;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The statistics in PostgreSQL ({@code step_duration_history}, V5): one row per step name holding its last
 * durations, most recent first. Learning from a run is one statement in the transaction that completes it, so the
 * statistics are exactly the completed runs, shared by every instance and kept across restarts.
 */
@ApplicationScoped
class StepDurationHistory {

    /**
     * Prepends each step's new durations, the newest first, and cuts the window, for every step of every run
     * given at once. One statement, rows taken in name order: two transactions learning at the same time lock
     * shared steps in the same order (no deadlock), however many runs each completes.
     */
    private static final String LEARN = "INSERT INTO step_duration_history AS h (step_name, seconds, learned_at) "
            + "SELECT name, (array_agg(seconds ORDER BY ord DESC))[1:?], now() "
            + "FROM unnest(?::varchar[], ?::float8[]) WITH ORDINALITY AS t(name, seconds, ord) "
            + "GROUP BY name ORDER BY name "
            + "ON CONFLICT (step_name) DO UPDATE SET seconds = (EXCLUDED.seconds || h.seconds)[1:?], "
            + "learned_at = EXCLUDED.learned_at "
            + "RETURNING step_name, seconds";

    private final AgroalDataSource dataSource;

    StepDurationHistory(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Joins the caller's transaction.
     *
     * @param runs each completed run's step durations, in the order the runs completed
     * @return the steps' windows after learning
     */
    List<StepDurations> learn(List<Map<String, Double>> runs, int window) {
        List<String> names = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        runs.forEach(run -> run.forEach((name, span) -> {
            names.add(name);
            seconds.add(span);
        }));
        try (Connection connection = dataSource.getConnection();
             PreparedStatement upsert = connection.prepareStatement(LEARN)) {
            upsert.setInt(1, window);
            upsert.setArray(2, connection.createArrayOf("varchar", names.toArray()));
            upsert.setArray(3, connection.createArrayOf("float8", seconds.toArray()));
            upsert.setInt(4, window);
            return read(upsert.executeQuery());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot learn step durations of " + new TreeSet<>(names), e);
        }
    }

    /** @return the windows of those of {@code steps} that have history */
    List<StepDurations> load(Collection<String> steps) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT step_name, seconds FROM step_duration_history WHERE step_name = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("varchar", steps.toArray()));
            return read(select.executeQuery());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read step durations of " + steps, e);
        }
    }

    private static List<StepDurations> read(ResultSet rows) throws SQLException {
        try (rows) {
            List<StepDurations> found = new ArrayList<>();
            while (rows.next()) {
                Array seconds = rows.getArray(2);
                Double[] values = (Double[]) seconds.getArray();
                double[] unboxed = new double[values.length];
                for (int i = 0; i < values.length; i++) {
                    unboxed[i] = values[i];
                }
                found.add(new StepDurations(rows.getString(1), unboxed));
            }
            return found;
        }
    }
}
