package io.stepprogress.notifier.subscriber;

import io.stepprogress.notifier.NotifierConfig.Session;
import io.stepprogress.security.ProjectPatterns;
import java.util.Locale;

/**
 * The {@value #NAME} cookie: the subscriber token itself, HttpOnly so that no script (ours or an injected
 * one) can read it, SameSite so that no other site can make the browser use it, and sent only to the API
 * paths that need it: {@code /api/projects/<id>/} for a single-project token, {@code /api/} otherwise.
 * It lives exactly as long as the token ({@code Max-Age}), so an expired token is not even sent.
 */
public final class SessionCookie {

    public static final String NAME = "progress_subscriber";
    static final String ALL_PROJECTS_PATH = "/api/";

    private SessionCookie() {
    }

    /** Where the cookie of a token with these patterns is sent. */
    public static String pathFor(ProjectPatterns projects) {
        return projects.singleProject().map(SessionCookie::projectPath).orElse(ALL_PROJECTS_PATH);
    }

    static String projectPath(String projectId) {
        return "/api/projects/" + projectId + "/";
    }

    /**
     * @param https whether the request came over HTTPS (as the proxy in front says, when it is trusted)
     */
    public static String set(String token, String path, long maxAgeSeconds, Session config, boolean https) {
        return NAME + "=" + token + "; Path=" + path + "; Max-Age=" + Math.max(0, maxAgeSeconds)
                + attributes(config, https);
    }

    /** Deletes the cookie at {@code path}: same name and path, empty, already expired. */
    public static String clear(String path, Session config, boolean https) {
        return NAME + "=; Path=" + path + "; Max-Age=0" + attributes(config, https);
    }

    /** SameSite=None is only honoured on a Secure cookie, so it forces Secure. */
    static boolean secure(Session config, boolean https) {
        return config.secure() == Session.Secure.ALWAYS || config.sameSite() == Session.SameSite.NONE || https;
    }

    /**
     * SameSite=None is for a host page on another site, where the cookie is a third-party one, which browsers
     * increasingly refuse (Chromium 156 headless did, Safari does). Partitioned (CHIPS) keeps it for that one
     * host site, which is all the host's page needs; browsers that do not know the attribute ignore it. A
     * partitioned cookie is deleted only with the attribute too, so set and clear both carry it.
     */
    static boolean partitioned(Session config) {
        return config.sameSite() == Session.SameSite.NONE;
    }

    private static String attributes(Session config, boolean https) {
        String sameSite = config.sameSite().name().charAt(0)
                + config.sameSite().name().substring(1).toLowerCase(Locale.ROOT);
        return "; HttpOnly; SameSite=" + sameSite + (secure(config, https) ? "; Secure" : "")
                + (partitioned(config) ? "; Partitioned" : "");
    }
}
