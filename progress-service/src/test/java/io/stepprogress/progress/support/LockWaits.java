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
