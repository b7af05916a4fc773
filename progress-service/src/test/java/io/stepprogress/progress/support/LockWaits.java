package io.stepprogress.progress.support;

import io.agroal.api.AgroalDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** What tests that hold a lock on purpose wait for: a request of the service parked behind it. */
public final class LockWaits {

    private LockWaits() {
    }

    /**
     * A connection of its own, in a transaction, holding the project's initialization row lock, as a write of that
     * project would: the caller commits or rolls back, then closes it.
     */
    public static Connection holdRowLock(AgroalDataSource dataSource, String projectId) throws SQLException {
        Connection holder = dataSource.getConnection();
        try (PreparedStatement lock = holder.prepareStatement(
                "SELECT 1 FROM initialization WHERE project_id = ? FOR UPDATE")) {
            holder.setAutoCommit(false);
            lock.setString(1, projectId);
            lock.executeQuery().close();
            return holder;
        } catch (SQLException | RuntimeException e) {
            holder.close();
            throw e;
        }
    }

    /** Whether a session of this database waits for a lock. */
    public static boolean aSessionWaitsForALock(AgroalDataSource dataSource) throws SQLException {
        // Its own connection: inside a transaction, pg_stat_activity keeps the snapshot it first saw.
        try (Connection observer = dataSource.getConnection();
             PreparedStatement waiting = observer.prepareStatement("SELECT count(*) FROM pg_stat_activity "
                     + "WHERE datname = current_database() AND wait_event_type = 'Lock'");
             ResultSet count = waiting.executeQuery()) {
            count.next();
            return count.getInt(1) > 0;
        }
    }
}
