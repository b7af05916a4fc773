package io.stepprogress.stack;

/**
 * The services of the stack, the module each is packaged from, its default port, and the default port of
 * its management interface ({@code /q/health}, {@code /q/metrics}), which is kept off the public port.
 */
public enum Service {
    PROGRESS("progress-service", 8081, 9081, "256m", "progress"),
    NOTIFIER("notifier-service", 8080, 9080, "384m", null),
    AUDIT("audit-consumer", 8082, 9082, "256m", "audit"),
    ALERT("alert-consumer", 8083, 9083, "192m", null);

    private final String module;
    private final int defaultPort;
    private final int defaultManagementPort;
    private final String heap;
    private final String database;

    Service(String module, int defaultPort, int defaultManagementPort, String heap, String database) {
        this.module = module;
        this.defaultPort = defaultPort;
        this.defaultManagementPort = defaultManagementPort;
        this.heap = heap;
        this.database = database;
    }

    public int defaultManagementPort() {
        return defaultManagementPort;
    }

    /** The option that sets its port: --progress-port, --notifier-port, --audit-port, --alert-port. */
    String optionName() {
        return module.replace("-service", "").replace("-consumer", "");
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
