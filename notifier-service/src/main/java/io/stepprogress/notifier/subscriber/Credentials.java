package io.stepprogress.notifier.subscriber;

import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The subscriber tokens a request presents: a bearer header (non-browser clients, and the page's one
 * {@code POST /api/session}) and every {@value SessionCookie#NAME} cookie. A browser may send several such
 * cookies, one per matching path, most specific first; each is a candidate, and any one that verifies and
 * allows the project is enough.
 */
public record Credentials(List<String> tokens) {

    /**
     * Cookies tried per request at most: a browser sends one per matching path (two here), and each costs a
     * signature check, so a request stuffed with cookies must not buy more work than that.
     */
    static final int MAX_COOKIES = 4;

    public Credentials {
        tokens = List.copyOf(tokens);
    }

    /**
     * @param authorization the {@code Authorization} header, or null; a scheme other than Bearer counts as a
     *                      credential we do not accept (401), never as none
     * @param cookieHeaders every {@code Cookie} header of the request
     */
    public static Credentials from(String authorization, List<String> cookieHeaders) {
        List<String> tokens = new ArrayList<>();
        if (authorization != null && !authorization.isBlank()) {
            tokens.add(bearer(authorization));
        }
        tokens.addAll(cookies(cookieHeaders));
        return new Credentials(tokens);
    }

    /** What a request to one of the Vert.x routes presents. */
    public static Credentials from(HttpServerRequest request) {
        return from(request.getHeader("Authorization"), request.headers().getAll("Cookie"));
    }

    /** Only the bearer header: {@code POST /api/session} exchanges a header for a cookie, never a cookie. */
    public static Credentials bearerOnly(String authorization) {
        return from(authorization, List.of());
    }

    public boolean none() {
        return tokens.isEmpty();
    }

    private static String bearer(String authorization) {
        String value = authorization.trim();
        return value.toLowerCase(Locale.ROOT).startsWith("bearer ") ? value.substring(7).trim() : value;
    }

    /** The values of our cookie, in the order sent (RFC 6265: name=value pairs separated by "; "). */
    static List<String> cookies(List<String> cookieHeaders) {
        List<String> values = new ArrayList<>();
        if (cookieHeaders == null) {
            return values;
        }
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                int equals = pair.indexOf('=');
                if (equals < 0 || !pair.substring(0, equals).trim().equals(SessionCookie.NAME)) {
                    continue;
                }
                String value = pair.substring(equals + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                if (!value.isEmpty() && values.size() < MAX_COOKIES) {
                    values.add(value);
                }
            }
        }
        return values;
    }
}
