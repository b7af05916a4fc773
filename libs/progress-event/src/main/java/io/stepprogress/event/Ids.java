package io.stepprogress.event;

import java.util.regex.Pattern;

/**
 * The one rule for project ids and step names, everywhere they are accepted: URLs, plans, labels. On a REST
 * parameter or field it is {@link ValidId}.
 */
public final class Ids {

    public static final String PATTERN = "[A-Za-z0-9._-]{1,64}";
    /** What a rejected id is told, after its field name: "projectId must match [A-Za-z0-9._-]{1,64}". */
    public static final String MESSAGE = "must match " + PATTERN;
    private static final Pattern ID = Pattern.compile(PATTERN);

    private Ids() {
    }

    public static boolean valid(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
