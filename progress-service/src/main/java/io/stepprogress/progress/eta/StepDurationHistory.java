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
import java.util.TreeMap;

/**
 * The statistics in PostgreSQL ({@code step_duration_history}, V5): one row per step name holding its last
 * durations, most recent first. Learning from a run is one statement in the transaction that completes it, so the
 * statistics are exactly the completed runs, shared by every instance and kept across restarts.
 */
@ApplicationScoped
class StepDurationHistory {

    /**
     * Prepends each step's new duration and cuts the window, for every step of the run at once. Rows are taken in
     * name order, so two runs completing at the same time lock shared steps in the same order (no deadlock).
     */
    private static final String LEARN = "INSERT INTO step_duration_history AS h (step_name, seconds, learned_at) "
            + "SELECT name, ARRAY[seconds], now() FROM unnest(?::varchar[], ?::float8[]) AS t(name, seconds) "
            + "ORDER BY name "
            + "ON CONFLICT (step_name) DO UPDATE SET seconds = (EXCLUDED.seconds || h.seconds)[1:?], "
            + "learned_at = EXCLUDED.learned_at "
            + "RETURNING step_name, seconds";

    private final AgroalDataSource dataSource;

    StepDurationHistory(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Joins the caller's transaction. @return the steps' windows after learning */
    List<StepDurations> learn(Map<String, Double> spans, int window) {
        Map<String, Double> byName = new TreeMap<>(spans);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement upsert = connection.prepareStatement(LEARN)) {
            upsert.setArray(1, connection.createArrayOf("varchar", byName.keySet().toArray()));
            upsert.setArray(2, connection.createArrayOf("float8", byName.values().toArray()));
            upsert.setInt(3, window);
            return read(upsert.executeQuery());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot learn step durations of " + byName.keySet(), e);
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
