package io.stepprogress.stack;

/** The services of the stack, the module each is packaged from, and its default port. */
public enum Service {
    PROGRESS("progress-service", 8081, "256m", "progress"),
    NOTIFIER("notifier-service", 8080, "384m", null),
    AUDIT("audit-consumer", 8082, "256m", "audit"),
    ALERT("alert-consumer", 8083, "192m", null);

    private final String module;
    private final int defaultPort;
    private final String heap;
    private final String database;

    Service(String module, int defaultPort, String heap, String database) {
        this.module = module;
        this.defaultPort = defaultPort;
        this.heap = heap;
        this.database = database;
    }

    public String module() {
        return module;
    }

    public int defaultPort() {
        return defaultPort;
    }

    String heap() {
        return heap;
    }

    /** The PostgreSQL database it owns, or null when it needs none. */
    String database() {
        return database;
    }
}
