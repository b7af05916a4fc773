package io.stepprogress.progress.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * One SQL statement with its parameters, to be sent together with others in one round trip
 * ({@link RoundTrip#execute}).
 *
 * @param sql    the statement, its parameters as {@code ?}
 * @param binder sets exactly this statement's parameters
 */
public record BoundStatement(String sql, Binder binder) {

    @FunctionalInterface
    public interface Binder {
        /** Sets this statement's parameters from index {@code first} on; answers the index after its last. */
        int bind(PreparedStatement statement, int first) throws SQLException;
    }
}
