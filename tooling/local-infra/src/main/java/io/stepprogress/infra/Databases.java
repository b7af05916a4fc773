package io.stepprogress.infra;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.regex.Pattern;

/** Database and role creation shared by the PostgreSQL servers. */
final class Databases {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final String DUPLICATE_DATABASE = "42P04";
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String DUPLICATE_OBJECT = "42710";

    private Databases() {
    }

    /**
     * Connects with the driver directly rather than through {@link java.sql.DriverManager}, which only sees
     * drivers of the caller's class loader (not always this one's under Quarkus' test class loaders).
     */
    static Connection connect(String jdbcUrl, String username, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", username);
        properties.setProperty("password", password);
        Connection connection = new org.postgresql.Driver().connect(jdbcUrl, properties);
        if (connection == null) {
            throw new SQLException("Not a PostgreSQL URL: " + jdbcUrl);
        }
        return connection;
    }

    static void createIfMissing(PostgresServer server, String name) {
        checkName(name, "database");
        try (Connection connection = connect(server.jdbcUrl("postgres"), server.username(), server.password())) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (ResultSet rows = exists.executeQuery()) {
                    if (rows.next()) {
                        return;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + name + "\"");
            }
        } catch (SQLException e) {
            // Someone else created it between our check and our CREATE: that is what we wanted.
            if (!DUPLICATE_DATABASE.equals(e.getSQLState()) && !UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new IllegalStateException("Could not create database " + name + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Creates the login role unless it exists, then sets its attributes and password either way: a kept data
     * directory (the local stack) converges on what is asked now, and two JVMs creating it at once both succeed.
     */
    static void ensureLoginRole(PostgresServer server, String name, String password, boolean replication) {
        checkName(name, "role");
        if (password == null) {
            throw new IllegalArgumentException("Role " + name + " needs a password");
        }
        String attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS "
                + (replication ? "REPLICATION" : "NOREPLICATION");
        try (Connection connection = connect(server.jdbcUrl("postgres"), server.username(), server.password());
             Statement sql = connection.createStatement()) {
            try {
                sql.execute("CREATE ROLE \"" + name + "\" " + attributes);
            } catch (SQLException e) {
                if (!DUPLICATE_OBJECT.equals(e.getSQLState()) && !UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
            }
            // ALTER ROLE takes no bind parameters; a literal with its quotes doubled cannot end early.
            sql.execute("ALTER ROLE \"" + name + "\" " + attributes + " PASSWORD '" + password.replace("'", "''") + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create role " + name + ": " + e.getMessage(), e);
        }
    }

    private static void checkName(String name, String kind) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Not a plain " + kind + " name (letters, digits, _; at most 63): " + name);
        }
    }
}
