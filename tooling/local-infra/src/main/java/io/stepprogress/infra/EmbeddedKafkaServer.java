package io.stepprogress.infra;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;

/**
 * A real Apache Kafka 4.4 broker (KRaft, broker and controller in one process) in a child JVM: no Docker.
 * <p>
 * The broker's jars never join this JVM's classpath, where the services' 4.1.2 clients live: the child is
 * started with the classpath listed in the {@code kafka-broker.classpath} resource of the {@code kafka-broker}
 * module plus that module's own jar (or classes directory), and runs {@value #MAIN_CLASS}.
 * <p>
 * Ports are chosen once (free ports unless given), so {@link #stop()} and {@link #start()} keep the address;
 * the data directory keeps the topics. The child's output (warnings and errors) goes to {@link #logFile()}; its
 * last lines are put in the exception when it fails to start. The child is stopped by a shutdown hook, and it
 * stops by itself when this JVM dies without running hooks (it watches its standard input).
 */
public final class EmbeddedKafkaServer implements KafkaServer {

    static final String MAIN_CLASS = "io.stepprogress.kafkabroker.KafkaBrokerMain";
    static final String CLASSPATH_RESOURCE = "kafka-broker.classpath";
    static final String READY_PREFIX = "KAFKA-BROKER-READY ";
    private static final List<String> DEFAULT_JVM_OPTIONS = List.of(
            "-Xmx384m", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Djava.awt.headless=true");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int TAIL_LINES = 60;
    /** Starts on ports of its own choosing, each try on new ones (see {@link Builder#start()}). */
    private static final int PORT_ATTEMPTS = 3;
    private static final String PORT_TAKEN = "Address already in use";
    private static final System.Logger LOG = System.getLogger(EmbeddedKafkaServer.class.getName());

    private final int port;
    private final int controllerPort;
    private final int partitions;
    private final Path dataDirectory;
    private final TemporaryDirectory temporary;
    private final Duration startupTimeout;
    private final List<String> jvmOptions;
    private final Map<String, String> brokerConfig;
    private final Thread shutdownHook = new Thread(this::destroyOnShutdown, "embedded-kafka-shutdown");
    private final Deque<String> lastLines = new ArrayDeque<>();

    private volatile Process process;
    /** A stopped process would hold a SIGTERM until continued: stop and kill resume it first. */
    private boolean paused;
    private Thread outputPump;
    private boolean shutdownHookRegistered;
    private boolean closed;

    private EmbeddedKafkaServer(Builder builder, Path dataDirectory, TemporaryDirectory temporary) {
        this.port = builder.port == 0 ? builder.freePorts.getAsInt() : builder.port;
        int controller = builder.controllerPort == 0 ? builder.freePorts.getAsInt() : builder.controllerPort;
        this.controllerPort = controller == port ? builder.freePorts.getAsInt() : controller;
        this.partitions = builder.partitions;
        this.dataDirectory = dataDirectory;
        this.temporary = temporary;
        this.startupTimeout = builder.startupTimeout;
        this.jvmOptions = List.copyOf(builder.jvmOptions);
        this.brokerConfig = Map.copyOf(builder.brokerConfig);
    }

    /** A broker on free ports with temporary data. */
    public static EmbeddedKafkaServer startNew() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("Closed: " + this);
        }
        if (isRunning()) {
            return;
        }
        launch();
    }

    /** Graceful: SIGTERM, then up to 30 s for the broker to shut down cleanly, then SIGKILL. */
    @Override
    public synchronized void stop() {
        Process running = process;
        if (running == null || !running.isAlive()) {
            return;
        }
        resume();
        running.destroy();
        if (!waitFor(running, STOP_TIMEOUT)) {
            LOG.log(Level.WARNING, "Kafka broker did not stop within " + STOP_TIMEOUT + ", killing it");
            running.destroyForcibly();
            waitFor(running, Duration.ofSeconds(10));
        }
        joinOutputPump();
    }

    /** A crash: SIGKILL, no clean shutdown. {@link #start()} brings it back (after log recovery). */
    public synchronized void kill() {
        Process running = process;
        if (running == null || !running.isAlive()) {
            return;
        }
        paused = false; // SIGKILL ends a stopped process too
        running.destroyForcibly();
        waitFor(running, Duration.ofSeconds(10));
        joinOutputPump();
    }

    @Override
    public synchronized void pause() {
        if (!paused) {
            signal("-STOP");
            paused = true;
        }
    }

    @Override
    public synchronized void resume() {
        if (paused) {
            signal("-CONT");
            paused = false;
        }
    }

    /** Java has no SIGSTOP/SIGCONT of its own; kill(1) is on every machine this broker runs on (Linux, macOS). */
    private void signal(String signal) {
        Process running = process;
        if (running == null || !running.isAlive()) {
            throw new IllegalStateException("Kafka broker not running: " + this);
        }
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(running.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + running.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal the Kafka broker", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling the Kafka broker", e);
        }
    }

    public boolean isRunning() {
        Process running = process;
        return running != null && running.isAlive();
    }

    @Override
    public boolean restartable() {
        return true;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The child JVM's output, appended across restarts. */
    public Path logFile() {
        return dataDirectory.resolve("broker.log");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // shutting down already, or never registered
        }
        if (temporary != null) {
            temporary.delete();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaServer[" + bootstrapServers() + ", data=" + dataDirectory + "]";
    }

    private void launch() {
        long started = System.nanoTime();
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(brokerClasspath(EmbeddedKafkaServer.class.getClassLoader()));
        command.add(MAIN_CLASS);
        command.addAll(Arrays.asList(
                "--data-dir", dataDirectory.toString(),
                "--port", Integer.toString(port),
                "--controller-port", Integer.toString(controllerPort),
                "--partitions", Integer.toString(partitions),
                "--exit-on-stdin-eof"));
        brokerConfig.forEach((key, value) -> command.addAll(List.of("--config", key + "=" + value)));

        synchronized (lastLines) {
            lastLines.clear();
        }
        Process child;
        try {
            child = new ProcessBuilder(command)
                    .directory(dataDirectory.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Kafka broker JVM: " + command.get(0), e);
        }
        process = child;
        registerShutdownHookOnce();

        CompletableFuture<String> ready = new CompletableFuture<>();
        outputPump = new Thread(() -> pumpOutput(child.getInputStream(), ready), "embedded-kafka-output");
        outputPump.setDaemon(true);
        outputPump.start();
        // Standard input stays open (never written): the child stops when it closes, i.e. when we die.

        try {
            ready.get(startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            child.destroyForcibly();
            waitFor(child, Duration.ofSeconds(10));
            joinOutputPump();
            throw new IllegalStateException("Kafka broker not ready within " + startupTimeout + describeFailure());
        } catch (ExecutionException e) {
            waitFor(child, Duration.ofSeconds(10));
            joinOutputPump();
            throw new IllegalStateException("Kafka broker JVM exited before it was ready"
                    + (child.isAlive() ? "" : " (exit status " + child.exitValue() + ")") + describeFailure());
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        }
        LOG.log(Level.INFO, () -> "Kafka broker ready in " + Duration.ofNanos(System.nanoTime() - started).toMillis()
                + " ms: " + this);
    }

    private void pumpOutput(InputStream output, CompletableFuture<String> ready) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
             BufferedWriter log = Files.newBufferedWriter(logFile(), StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = reader.readLine()) != null) {
                log.write(line);
                log.newLine();
                log.flush();
                synchronized (lastLines) {
                    lastLines.addLast(line);
                    if (lastLines.size() > TAIL_LINES) {
                        lastLines.removeFirst();
                    }
                }
                if (line.startsWith(READY_PREFIX)) {
                    ready.complete(line.substring(READY_PREFIX.length()).trim());
                }
            }
        } catch (IOException e) {
            // the child is gone
        } finally {
            ready.completeExceptionally(new IllegalStateException("Kafka broker output ended"));
        }
    }

    private String describeFailure() {
        // A temporary data directory, log included, is deleted when the failed server is closed.
        StringBuilder message = new StringBuilder(temporary == null ? " (log: " + logFile() + ")" : "");
        synchronized (lastLines) {
            if (!lastLines.isEmpty()) {
                message.append("\nLast lines of its output:");
                lastLines.forEach(line -> message.append('\n').append(line));
            }
        }
        return message.toString();
    }

    private void joinOutputPump() {
        Thread pump = outputPump;
        if (pump != null) {
            try {
                pump.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void registerShutdownHookOnce() {
        if (!shutdownHookRegistered) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            shutdownHookRegistered = true;
        }
    }

    /** Runs without the lock: a thread may be inside {@link #start()} waiting for readiness. */
    private void destroyOnShutdown() {
        Process running = process;
        if (running != null && running.isAlive()) {
            running.destroy();
            if (!waitFor(running, Duration.ofSeconds(15))) {
                running.destroyForcibly();
                waitFor(running, Duration.ofSeconds(5));
            }
        }
        if (temporary != null) {
            temporary.delete();
        }
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /**
     * The broker's classpath: the jars listed in the {@code kafka-broker.classpath} resource (absolute paths in
     * the local Maven repository of the machine that built {@code kafka-broker}) plus the jar or classes
     * directory holding that resource, which also holds the launcher.
     */
    static String brokerClasspath(ClassLoader classLoader) {
        URL resource = classLoader.getResource(CLASSPATH_RESOURCE);
        if (resource == null) {
            throw new IllegalStateException(CLASSPATH_RESOURCE + " not found on the classpath: depend on "
                    + "io.stepprogress:kafka-broker (with all its dependencies excluded)");
        }
        String jars;
        try (InputStream in = resource.openStream()) {
            jars = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + resource, e);
        }
        for (String jar : jars.split(File.pathSeparator)) {
            if (!jar.isBlank() && !Files.exists(Paths.get(jar))) {
                throw new IllegalStateException("The Kafka broker jar " + jar + " listed in " + resource
                        + " does not exist: rebuild kafka-broker on this machine (mvn install)");
            }
        }
        return jars + File.pathSeparator + locationOf(resource);
    }

    static Path locationOf(URL resource) {
        try {
            switch (resource.getProtocol()) {
                case "jar": {
                    // jar:file:/path/kafka-broker.jar!/kafka-broker.classpath
                    String path = resource.getPath();
                    int separator = path.indexOf("!/");
                    return Paths.get(new URL(path.substring(0, separator)).toURI());
                }
                case "file":
                    // .../kafka-broker/target/classes/kafka-broker.classpath
                    return Paths.get(resource.toURI()).getParent();
                default:
                    throw new IllegalStateException("Cannot start the Kafka broker from " + resource
                            + ": the kafka-broker module must be a jar or a directory on the classpath");
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the kafka-broker module from " + resource, e);
        }
    }

    public static final class Builder {
        private int port;
        private int controllerPort;
        private int partitions = 3;
        private Path dataDirectory;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
        private final Map<String, String> brokerConfig = new LinkedHashMap<>();
        private IntSupplier freePorts = FreePorts::find;

        private Builder() {
        }

        /** The client port on 127.0.0.1; 0 (the default) picks a free one, kept across restarts. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The KRaft controller port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = controllerPort;
            return this;
        }

        /** Partitions of automatically created topics (default 3). */
        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        /** Persistent data: formatted on first use, kept on close. Default: a temporary directory, deleted. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = startupTimeout;
            return this;
        }

        /** Replaces the child JVM's options (default: 384 MiB heap, serial GC; full JIT, since C1-only halved steady-state throughput). */
        public Builder jvmOptions(String... options) {
            this.jvmOptions = List.of(options);
            return this;
        }

        /** Any other broker setting, applied after the built-in ones. */
        public Builder brokerConfig(String key, String value) {
            brokerConfig.put(key, value);
            return this;
        }

        /** The ports picked when none is given; tests hand out a taken one to provoke the race below. */
        Builder freePorts(IntSupplier freePorts) {
            this.freePorts = freePorts;
            return this;
        }

        /**
         * Starts the broker and waits until it serves requests. A port this server picked itself was free when it
         * was picked, not necessarily when the broker binds it a few seconds later: another process on the machine
         * (a parallel test JVM picking its own) may take it meanwhile. Then the broker fails with "Address already in
         * use", and it is started again on newly picked ports, up to {@value #PORT_ATTEMPTS} times in all. A port
         * given to {@link #port(int)} or {@link #controllerPort(int)} is never changed, so when it is the one taken
         * the start fails at once.
         */
        public EmbeddedKafkaServer start() {
            for (int attempt = 1; ; attempt++) {
                try {
                    return startOnce();
                } catch (RuntimeException e) {
                    if (attempt == PORT_ATTEMPTS || !aPickedPortWasTaken(e)) {
                        throw e;
                    }
                    LOG.log(Level.WARNING, "A port picked for the Kafka broker was taken before it could bind it"
                            + " (attempt " + attempt + " of " + PORT_ATTEMPTS + "): starting again on other ports");
                }
            }
        }

        private boolean aPickedPortWasTaken(RuntimeException failure) {
            boolean portTaken = failure.getMessage() != null && failure.getMessage().contains(PORT_TAKEN);
            boolean picksPorts = port == 0 || controllerPort == 0;
            boolean givenPortsFree = (port == 0 || FreePorts.isFree(port))
                    && (controllerPort == 0 || FreePorts.isFree(controllerPort));
            return portTaken && picksPorts && givenPortsFree;
        }

        private EmbeddedKafkaServer startOnce() {
            Path directory;
            TemporaryDirectory temporary = null;
            if (dataDirectory == null) {
                temporary = TemporaryDirectory.create("step-progress-kafka-");
                directory = temporary.path();
            } else {
                try {
                    directory = Files.createDirectories(dataDirectory.toAbsolutePath());
                } catch (IOException e) {
                    throw new UncheckedIOException("Could not create the Kafka data directory " + dataDirectory, e);
                }
            }
            EmbeddedKafkaServer server = new EmbeddedKafkaServer(this, directory, temporary);
            try {
                server.start();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        }
    }
}
