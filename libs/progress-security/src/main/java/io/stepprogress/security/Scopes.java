package io.stepprogress.security;

/**
 * The scopes a token carries in its space-separated {@code scope} claim. Services map them to roles, so
 * they are also the names used in {@code @RolesAllowed}.
 */
public final class Scopes {

    /** Workers: start, report, complete, fail, cancel, read, and issue subscriber tokens for their projects. */
    public static final String WRITE = "progress:write";

    /** Browsers: read one project's (or a pattern's) stream and snapshot on notifier-service, nothing else. */
    public static final String SUBSCRIBE = "progress:subscribe";

    /** Operators: the audit log and the alerts API. */
    public static final String OPERATOR = "progress:operator";

    private Scopes() {
    }
}
