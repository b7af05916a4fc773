package io.stepprogress.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service as a child process started from its packaged Quarkus jar, configured only through environment
 * variables (as in docker-compose), its output appended to a log file. Can be stopped gracefully (SIGTERM),
 * killed (SIGKILL) and started again with the same configuration.
 */
public final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Service service;
    private final Path jar;
    private final Map<String, String> environment;
    private final Path log;
    private final Path watchDir;
    private final String stackMark;
    private final int port;
    private final int managementPort;
    private final List<String> jvmOptions;
    private Process process;

    ServiceProcess(Service service, Path jar, int port, int managementPort, Map<String, String> environment, Path log,
                   Path watchDir, String stackMark, List<String> jvmOptions) {
        this.service = service;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.watchDir = watchDir;
        this.stackMark = stackMark;
        this.jar = jar;
        this.port = port;
        this.managementPort = managementPort;
        this.environment = environment;
        this.log = log;
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(service.module() + " is not packaged (" + jar
                    + " is missing): run ./mvnw install -DskipTests first");
        }
        // Standard input stays the default pipe from this JVM: ParentWatch stops the service when it closes.
        List<String> options = new java.util.ArrayList<>(List.of(stackMark));
        options.addAll(jvmOptions);
        List<String> command = ParentWatch.command(watchDir, jar, options, List.of());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + service.module(), e);
        }
    }

    /** Waits until {@code /q/health/ready} answers UP, or the process dies, or the timeout passes. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Process running = process;
            if (running == null || !running.isAlive()) {
                throw new IllegalStateException(service.module() + " exited while starting; see " + log);
            }
            if (ready()) {
                return;
            }
            try {
                running.waitFor(250, TimeUnit.MILLISECONDS); // poll interval while the service boots
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + service.module(), e);
            }
        }
        throw new IllegalStateException(service.module() + " was not ready within " + timeout + "; see " + log);
    }

    public boolean ready() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(managementUrl("/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM, and waits (bounded) for Quarkus to shut down; SIGKILL if it does not. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed; what a crash looks like. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The management interface: {@code /q/health}, {@code /q/metrics}; loopback only in the local stack. */
    public URI managementUrl(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    public Service service() {
        return service;
    }

    public Path log() {
        return log;
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
