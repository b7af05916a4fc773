package io.stepprogress.notifier.projects;

import java.util.regex.Pattern;

/** The id rule progress-service enforces, applied before any lookup. */
public final class ProjectIds {

    public static final String PATTERN = "[A-Za-z0-9._-]{1,64}";
    private static final Pattern ID = Pattern.compile(PATTERN);

    private ProjectIds() {
    }

    public static boolean valid(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
