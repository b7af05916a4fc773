package io.stepprogress.progress.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Several statements in one network round trip. The PostgreSQL driver sends the statements of one
 * {@code prepareStatement("a; b")} as consecutive Parse/Bind/Execute messages followed by a single Sync and
 * reads all their answers afterwards. The server still runs them one after the other, in order, exactly as if
 * they had been sent one by one: each statement starts (and, in READ COMMITTED, takes its snapshot) only when
 * the one before it has finished, and the first error aborts the transaction and skips the rest.
 */
public final class RoundTrip {

    private RoundTrip() {
    }

    /** Data-modifying statements, in order: their update counts, in the same order. */
    public static int[] execute(Connection connection, List<BoundStatement> statements) throws SQLException {
        try (PreparedStatement prepared = prepare(connection, statements)) {
            boolean resultSet = prepared.execute();
            int[] counts = new int[statements.size()];
            for (int i = 0; i < counts.length; i++) {
                if (resultSet) {
                    throw new IllegalArgumentException("statement " + (i + 1) + " returns rows: "
                            + statements.get(i).sql());
                }
                counts[i] = prepared.getUpdateCount();
                resultSet = prepared.getMoreResults();
            }
            return counts;
        }
    }

    /**
     * The statements as one prepared statement, every parameter set: {@code execute()} it, then read one result
     * (rows or an update count) per statement with {@code getMoreResults()}.
     */
    public static PreparedStatement prepare(Connection connection, List<BoundStatement> statements)
            throws SQLException {
        PreparedStatement prepared = connection.prepareStatement(statements.stream().map(BoundStatement::sql)
                .collect(Collectors.joining(";\n")));
        try {
            int index = 1;
            for (BoundStatement statement : statements) {
                index = statement.binder().bind(prepared, index);
            }
            return prepared;
        } catch (SQLException | RuntimeException e) {
            prepared.close();
            throw e;
        }
    }
}
