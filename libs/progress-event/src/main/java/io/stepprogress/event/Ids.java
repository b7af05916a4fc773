package io.stepprogress.event;

import java.util.regex.Pattern;

/** The one rule for project ids and step names, everywhere they are accepted: URLs, plans, labels. */
public final class Ids {

    public static final String PATTERN = "[A-Za-z0-9._-]{1,64}";
    private static final Pattern ID = Pattern.compile(PATTERN);

    private Ids() {
    }

    public static boolean valid(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
