package io.stepprogress.progress.relay;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parts of a PostgreSQL JDBC URL that Debezium needs as separate settings. Debezium connects to exactly one
 * host and rebuilds its own URL from them, so whatever the URL carries beyond host, port and database (SSL,
 * driver parameters) must be handed over explicitly or it is silently lost.
 *
 * @param host       as Debezium must put it back into a URL: an IPv6 literal keeps its brackets
 * @param parameters the query parameters, decoded, in order
 */
public record PostgresJdbcUrl(String host, int port, String database, Map<String, String> parameters) {

    static final String SETTING = "quarkus.datasource.jdbc.url";
    private static final String PREFIX = "jdbc:postgresql://";

    public PostgresJdbcUrl {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** @throws IllegalArgumentException naming the setting and what is wrong, never echoing a password */
    public static PostgresJdbcUrl parse(String url) {
        if (url == null || !url.startsWith(PREFIX)) {
            throw invalid("must start with " + PREFIX);
        }
        String rest = url.substring(PREFIX.length());
        int query = rest.indexOf('?');
        String authorityAndPath = query < 0 ? rest : rest.substring(0, query);
        int slash = authorityAndPath.indexOf('/');
        if (slash < 0 || slash == authorityAndPath.length() - 1) {
            throw invalid("names no database (jdbc:postgresql://host[:port]/database)");
        }
        String authority = authorityAndPath.substring(0, slash);
        String database = decode(authorityAndPath.substring(slash + 1));
        if (authority.contains(",")) {
            throw invalid("names several hosts (" + authority + "); the outbox relay (Debezium) streams from one "
                    + "server: set it to the primary's single host[:port]");
        }
        if (authority.isEmpty()) {
            throw invalid("names no host");
        }
        String host;
        String port = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw invalid("has an IPv6 host without a closing ']'");
            }
            host = authority.substring(0, close + 1);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw invalid("has text after the IPv6 host: " + after);
                }
                port = after.substring(1);
            }
        } else {
            int colon = authority.indexOf(':');
            if (colon >= 0 && authority.indexOf(':', colon + 1) >= 0) {
                throw invalid("has an IPv6 host without brackets (write jdbc:postgresql://[::1]:5432/db)");
            }
            host = colon < 0 ? authority : authority.substring(0, colon);
            port = colon < 0 ? null : authority.substring(colon + 1);
        }
        return new PostgresJdbcUrl(host, port(port), database, query < 0 ? Map.of() : parameters(rest.substring(query + 1)));
    }

    private static int port(String value) {
        if (value == null || value.isEmpty()) {
            return 5432;
        }
        try {
            int port = Integer.parseInt(value);
            if (port < 1 || port > 65535) {
                throw invalid("has port " + value + " outside 1-65535");
            }
            return port;
        } catch (NumberFormatException e) {
            throw invalid("has a port that is not a number: " + value);
        }
    }

    private static Map<String, String> parameters(String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            // pgjdbc reads a bare flag (e.g. "?ssl") as "true".
            parameters.put(name, equals < 0 ? "true" : decode(pair.substring(equals + 1)));
        }
        return parameters;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException invalid(String why) {
        // The URL itself is not echoed: its parameters may carry a password.
        return new IllegalArgumentException(SETTING + " " + why);
    }
}
