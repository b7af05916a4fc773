package io.stepprogress.notifier.subscriber;

import java.util.List;

/**
 * What {@code GET}/{@code POST /api/session} tell the page about the session: never the token.
 *
 * @param projects  the token's project patterns; {@code ["*"]} when it names none (every project)
 * @param expiresAt ISO-8601 instant at which the session and its streams end
 * @param path      the cookie's path: a single project's API, or all of {@code /api/}
 */
public record SessionView(List<String> projects, String expiresAt, String path) {

    static SessionView of(SubscriberToken token) {
        List<String> projects = token.projects().unrestricted() ? List.of("*") : token.projects().patterns();
        return new SessionView(projects, token.expiresAt().toString(), SessionCookie.pathFor(token.projects()));
    }
}
